// Package harness runs a Pulumi program on the stand-in AWS of package standin: under
// pulumi.WithMocks (NewMocks), or under the real Pulumi CLI through the Automation API
// (PulumiCLI, NewStack), with the stand-in served as the aws and awsx provider plugins over
// gRPC (Serve) and the awsx components constructed as the awsx plugin does.
package harness
