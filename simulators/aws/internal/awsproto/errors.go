package awsproto

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS service error: the HTTP status, the error code clients
// switch on (ResourceNotFoundException, ValidationException ...) and the
// message. Sender is false for errors the service blames on itself.
type Error struct {
	Status  int
	Code    string
	Message string
	Server  bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrorCode returns the code; with ErrorMessage it lets callers inside
// the simulator read an *Error as the SDKs' smithy.APIError.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage returns the message.
func (e *Error) ErrorMessage() string { return e.Message }

// Errorf returns an *Error with status and code and a formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// The errors every protocol shares. Services keep their own catalogues for
// the rest.
var (
	// ErrInternal is answered for a failure of the simulator itself.
	ErrInternal = &Error{Status: http.StatusInternalServerError, Code: "InternalFailure",
		Message: "The request processing has failed because of an unknown error, exception or failure.", Server: true}
)

// Serialization reports a request body that is not valid for the protocol,
// as AWS's SerializationException does.
func Serialization(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "SerializationException", format, args...)
}

// Validation reports a parameter that breaks a constraint, in AWS's words:
// "1 validation error detected: Value null at 'logGroupName' failed to
// satisfy constraint: Member must not be null".
func Validation(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// MissingParam is the ValidationException for a required member left out.
func MissingParam(name string) *Error {
	return Validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", name)
}

// UnknownOperation reports an action or target the service does not have.
func UnknownOperation(op string) *Error {
	return Errorf(http.StatusBadRequest, "UnknownOperationException", "Unknown operation %s", op)
}

// AsError returns err as an *Error, wrapping errors that are not AWS
// errors as InternalFailure.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return ErrInternal
}
