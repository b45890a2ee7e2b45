package awssim

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Test credentials [Config] signs with; pass them in Options.Credentials
// to use [Config] against a StrictAuth server.
const (
	TestAccessKey = "AKIASOCKERLESSTEST00"
	TestSecretKey = "sockerless-simulator-secret-key-for-tests"
)

// Config returns an aws-sdk-go-v2 configuration that sends every client
// made from it to the simulator at endpoint (its base URL, such as
// "http://127.0.0.1:4566") in region, signing with the test credentials.
// S3 clients also need o.UsePathStyle = true unless the simulator's host
// name resolves for virtual-hosted buckets.
func Config(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(TestAccessKey, TestSecretKey, ""),
	}
}
