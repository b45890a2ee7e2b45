package ecsdriver

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
	"github.com/containerd/errdefs"
)

// awsErr classifies an AWS SDK error once, at the backend's boundary.
func awsErr(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return errdefs.ErrUnavailable.WithMessage(err.Error())
	}
	msg := fmt.Sprintf("%s: %s", ae.ErrorCode(), ae.ErrorMessage())
	switch ae.ErrorCode() {
	case "ClientException", "InvalidParameterException", "InvalidParameterValueException", "ValidationException", "BadRequest":
		return errdefs.ErrInvalidArgument.WithMessage(msg)
	case "ResourceNotFoundException", "ClusterNotFoundException", "TaskDefinitionNotFoundException",
		"FileSystemNotFound", "AccessPointNotFound", "MountTargetNotFound", "SubnetNotFound":
		return errdefs.ErrNotFound.WithMessage(msg)
	case "AccessDeniedException", "AccessDeniedExceptionException", "UnrecognizedClientException":
		return errdefs.ErrPermissionDenied.WithMessage(msg)
	case "IncorrectFileSystemLifeCycleState", "IncorrectMountTargetState", "MountTargetConflict":
		return errdefs.ErrConflict.WithMessage(msg)
	case "ThrottlingException", "ServerException", "ServiceUnavailableException", "AccessPointLimitExceeded",
		"FileSystemLimitExceeded", "MountTargetLimitExceeded", "InsufficientThroughputCapacity":
		return errdefs.ErrUnavailable.WithMessage(msg)
	}
	return errdefs.ErrUnknown.WithMessage(msg)
}
