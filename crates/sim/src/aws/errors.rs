//! Error answers in each protocol's own format: EKS rest-json (`x-amzn-ErrorType` header and a
//! `{"message"}` body), EC2 (`<Response><Errors><Error>`), and IAM and Auto Scaling
//! (`<ErrorResponse><Error>`, each in its own namespace).
//! Also the errors that are the same for every operation: injected faults (throttling, 500,
//! access denied), a missing signature and an unknown operation.

use axum::body::Body;
use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use super::request::{Service, AUTOSCALING_VERSION, EC2_VERSION, IAM_VERSION};
use super::xml::Xml;
use crate::faults::ErrorKind;

/// An error answer, before it is rendered in a protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Extra members of an EKS error body (e.g. `clusterName`, `addonName`).
    pub fields: Vec<(String, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code: code.to_string(),
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.fields.push((key.to_string(), value.to_string()));
        self
    }

    /// The answer in `service`'s protocol.
    pub fn render(&self, service: Service, request_id: &str) -> Response {
        match service {
            Service::Eks => self.render_json(request_id),
            Service::Ec2 => self.render_ec2(request_id),
            Service::Iam => self.render_error_response(&iam_xmlns(), request_id),
            Service::Autoscaling => self.render_error_response(&autoscaling_xmlns(), request_id),
        }
    }

    fn render_json(&self, request_id: &str) -> Response {
        let mut body = Map::new();
        for (k, v) in &self.fields {
            body.insert(k.clone(), Value::String(v.clone()));
        }
        body.insert("message".into(), Value::String(self.message.clone()));
        Response::builder()
            .status(self.status)
            .header("content-type", "application/json")
            .header("x-amzn-ErrorType", self.code.as_str())
            .header("x-amzn-RequestId", request_id)
            .body(Body::from(Value::Object(body).to_string()))
            .expect("valid response")
    }

    fn render_ec2(&self, request_id: &str) -> Response {
        let mut x = Xml::bare("Response");
        x.open("Errors")
            .open("Error")
            .leaf("Code", &self.code)
            .leaf("Message", &self.message)
            .close()
            .close()
            .leaf("RequestID", request_id);
        xml_response(self.status, x.finish(), request_id)
    }

    /// The query protocol's `<ErrorResponse>` (IAM, Auto Scaling).
    fn render_error_response(&self, xmlns: &str, request_id: &str) -> Response {
        let fault = if self.status.is_server_error() {
            "Receiver"
        } else {
            "Sender"
        };
        let mut x = Xml::document("ErrorResponse", xmlns);
        x.open("Error")
            .leaf("Type", fault)
            .leaf("Code", &self.code)
            .leaf("Message", &self.message)
            .close()
            .leaf("RequestId", request_id);
        xml_response(self.status, x.finish(), request_id)
    }
}

/// A successful or failed XML answer.
pub fn xml_response(status: StatusCode, body: String, request_id: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/xml;charset=UTF-8")
        .header("x-amzn-RequestId", request_id)
        .body(Body::from(body))
        .expect("valid response")
}

/// The answer to an injected fault, as each service really words it. The SDKs retry the
/// throttling codes (`ThrottlingException`, `RequestLimitExceeded`, `Throttling`) and any 500.
pub fn fault(service: Service, kind: ErrorKind, operation: &str, account: &str) -> ApiError {
    let who = format!("arn:aws:iam::{account}:user/eksauto");
    match (service, kind) {
        (Service::Eks, ErrorKind::Throttling) => {
            ApiError::new(429, "ThrottlingException", "Rate exceeded")
        }
        (Service::Eks, ErrorKind::Internal) => ApiError::new(
            500,
            "ServerException",
            "An internal error occurred. Please try again later.",
        ),
        (Service::Eks, ErrorKind::AccessDenied) => ApiError::new(
            403,
            "AccessDeniedException",
            format!("User: {who} is not authorized to perform: eks:{operation}"),
        ),
        (Service::Ec2, ErrorKind::Throttling) => {
            ApiError::new(503, "RequestLimitExceeded", "Request limit exceeded.")
        }
        (Service::Ec2, ErrorKind::Internal) => {
            ApiError::new(500, "InternalError", "An internal error has occurred")
        }
        (Service::Ec2, ErrorKind::AccessDenied) => ApiError::new(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ),
        (Service::Iam, ErrorKind::Throttling) => ApiError::new(400, "Throttling", "Rate exceeded"),
        (Service::Iam, ErrorKind::Internal) => ApiError::new(
            500,
            "ServiceFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        ),
        (Service::Iam, ErrorKind::AccessDenied) => ApiError::new(
            403,
            "AccessDenied",
            format!("User: {who} is not authorized to perform: iam:{operation}"),
        ),
        (Service::Autoscaling, ErrorKind::Throttling) => {
            ApiError::new(400, "Throttling", "Rate exceeded")
        }
        (Service::Autoscaling, ErrorKind::Internal) => ApiError::new(
            500,
            "InternalFailure",
            "An internal error occurred. Please try again later.",
        ),
        (Service::Autoscaling, ErrorKind::AccessDenied) => ApiError::new(
            403,
            "AccessDenied",
            format!("User: {who} is not authorized to perform: autoscaling:{operation}"),
        ),
    }
}

/// The answer to a request that carries no signature at all.
pub fn missing_auth(service: Service) -> ApiError {
    match service {
        Service::Eks => ApiError::new(
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ),
        Service::Ec2 => ApiError::new(
            400,
            "MissingParameter",
            "The request must contain the parameter AWSAccessKeyId",
        ),
        Service::Iam | Service::Autoscaling => ApiError::new(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ),
    }
}

/// The answer to an operation the service does not know (or the emulator does not serve).
pub fn unknown_operation(service: Service, action: Option<&str>) -> ApiError {
    let action = action.unwrap_or("");
    match service {
        Service::Eks => ApiError::new(404, "UnknownOperationException", "Unknown operation"),
        Service::Ec2 => ApiError::new(
            400,
            "InvalidAction",
            format!("The action {action} is not valid for this web service."),
        ),
        Service::Iam => ApiError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {action} for version {IAM_VERSION}"),
        ),
        Service::Autoscaling => ApiError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {action} for version {AUTOSCALING_VERSION}"),
        ),
    }
}

/// The EC2 namespace, for answers.
pub fn ec2_xmlns() -> String {
    format!("http://ec2.amazonaws.com/doc/{EC2_VERSION}/")
}

/// The IAM namespace, for answers.
pub fn iam_xmlns() -> String {
    format!("https://iam.amazonaws.com/doc/{IAM_VERSION}/")
}

/// The Auto Scaling namespace, for answers.
pub fn autoscaling_xmlns() -> String {
    format!("http://autoscaling.amazonaws.com/doc/{AUTOSCALING_VERSION}/")
}
