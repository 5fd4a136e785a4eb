//! Wrapping text for a terminal of a given width at word boundaries. A continuation keeps the
//! line's indent, and for `label   value` rows (the plan's and the report's) it starts under the
//! value, so a narrow terminal shows aligned paragraphs instead of words cut at the edge. Pure.

/// Wraps every line of `text` longer than `width` characters.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(line, width, &mut out);
    }
    out
}

fn wrap_line(line: &str, width: usize, out: &mut String) {
    if line.chars().count() <= width {
        out.push_str(line);
        return;
    }
    let hang = hanging_indent(line).min(width / 2);
    let mut col = 0;
    let mut first = true;
    for word in words(line) {
        let len = word.chars().count();
        if !first && col + len > width && col > hang {
            out.push('\n');
            out.push_str(&" ".repeat(hang));
            col = hang;
            let trimmed = word.trim_start();
            out.push_str(trimmed);
            col += trimmed.chars().count();
            continue;
        }
        out.push_str(word);
        col += len;
        first = false;
    }
}

/// The line cut before each word, each piece keeping the spaces in front of it.
fn words(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_space = true;
    for (i, c) in line.char_indices() {
        if c == ' ' {
            if !in_space && i > start {
                pieces.push(&line[start..i]);
                start = i;
            }
            in_space = true;
        } else {
            in_space = false;
        }
    }
    pieces.push(&line[start..]);
    pieces
}

/// Where a continuation starts: under the value of a `  label   value` row (after the first run
/// of two or more spaces that follows text), else under the line's own first character.
fn hanging_indent(line: &str) -> usize {
    let lead = line.len() - line.trim_start().len();
    let chars: Vec<char> = line.chars().collect();
    let mut i = lead;
    while i + 1 < chars.len() {
        if chars[i] == ' ' && chars[i + 1] == ' ' {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            if j < chars.len() {
                return j;
            }
            break;
        }
        i += 1;
    }
    lead
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_left_alone() {
        assert_eq!(wrap("a b\n  c", 80), "a b\n  c");
    }

    #[test]
    fn a_report_row_continues_under_its_value() {
        let row = "  control plane    14:00:00 → 14:08:02 (8m2s) and some more words to wrap here";
        let wrapped = wrap(row, 40);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.len() > 1, "{wrapped}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{wrapped}");
        for l in &lines[1..] {
            assert!(l.starts_with(&" ".repeat(19)), "{wrapped}");
            assert!(!l[19..].starts_with(' '), "{wrapped}");
        }
        let words: Vec<&str> = row.split_whitespace().collect();
        let back: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words, back, "no word is lost or cut");
    }

    #[test]
    fn a_sentence_continues_under_its_indent() {
        let wrapped = wrap(
            "  the rotation waits for the budget of NodePool general-purpose to allow one node",
            30,
        );
        for l in wrapped.lines().skip(1) {
            assert!(l.starts_with("  ") && !l.starts_with("   "), "{wrapped}");
        }
    }
}
