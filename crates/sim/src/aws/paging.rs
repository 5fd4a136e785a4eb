//! Pagination shared by every list operation: a page of at most `max` items starting where the
//! opaque token says, and the token for the next page (absent on the last page).

/// Why a page cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// The token was not one this endpoint handed out.
    BadToken,
    /// maxResults outside the operation's range.
    BadMax { min: i64, max: i64 },
}

/// Reads a maxResults-like parameter. `None` when absent.
pub fn parse_max(raw: Option<&str>) -> Result<Option<i64>, PageError> {
    match raw {
        None | Some("") => Ok(None),
        Some(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| PageError::BadMax { min: 1, max: 100 }),
    }
}

/// The page of `items` after `token`, at most `requested` (default `default_max`, allowed range
/// `1..=limit`).
pub fn page<T: Clone>(
    items: &[T],
    requested: Option<i64>,
    token: Option<&str>,
    default_max: usize,
    limit: i64,
) -> Result<(Vec<T>, Option<String>), PageError> {
    let max = match requested {
        None => default_max,
        Some(n) if (1..=limit).contains(&n) => n as usize,
        Some(_) => return Err(PageError::BadMax { min: 1, max: limit }),
    };
    let start = match token {
        None | Some("") => 0,
        Some(t) => decode(t).ok_or(PageError::BadToken)?,
    };
    if start > items.len() {
        return Err(PageError::BadToken);
    }
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| encode(end));
    Ok((items[start..end].to_vec(), next))
}

const MAGIC: u64 = 0x6b73_6175_746f_0000;

fn encode(offset: usize) -> String {
    format!("{:016x}", (offset as u64) ^ MAGIC)
}

fn decode(token: &str) -> Option<usize> {
    if token.len() != 16 {
        return None;
    }
    let v = u64::from_str_radix(token, 16).ok()? ^ MAGIC;
    usize::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_every_page_once() {
        let items: Vec<u32> = (0..7).collect();
        let mut token = None;
        let mut seen = Vec::new();
        loop {
            let (p, next) = page(&items, Some(3), token.as_deref(), 100, 100).unwrap();
            seen.extend(p);
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn rejects_bad_tokens_and_sizes() {
        let items = [1, 2];
        assert_eq!(
            page(&items, None, Some("nope"), 100, 100),
            Err(PageError::BadToken)
        );
        assert_eq!(
            page(&items, Some(0), None, 100, 100),
            Err(PageError::BadMax { min: 1, max: 100 })
        );
        assert_eq!(page(&items, None, None, 100, 100), Ok((vec![1, 2], None)));
        assert!(parse_max(Some("x")).is_err());
    }
}
