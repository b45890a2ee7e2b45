// Package awssim is an AWS simulator: one HTTP endpoint that speaks the
// wire protocols of STS, CloudWatch Logs, ECS, ECR (control plane and the
// /v2/ registry) and Lambda, so that the AWS SDKs and the AWS CLI can be
// pointed at it (AWS_ENDPOINT_URL=http://127.0.0.1:4566). ECS tasks and
// Lambda invocations run for real, as host processes.
//
// Use it in tests as fake-gcs-server is used:
//
//	sim, err := awssim.New(ctx, awssim.Options{})
//	srv := httptest.NewServer(sim.Handler())
//	cfg := awssim.Config(srv.URL, "us-east-1")
//	ecsClient := ecs.NewFromConfig(cfg)
package awssim
