package config

// The refusal table: every bad config, parsed without any program or mock, must be
// refused with exactly these problems (each "path: detail", all at once, in any order).

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Well-formed ids and ARNs for the cases that are about something else.
const (
	testRegion       = "us-east-1"
	testParameterArn = "arn:aws:ssm:us-east-1:123456789012:parameter/web/db-password"
	testKmsKeyArn    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testVpcID        = "vpc-0123456789abcdef0"
	testCertArn      = "arn:aws:acm:us-east-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"
	testZoneID       = "Z0123456789EXAMPLE0"
	testImage        = "public.ecr.aws/nginx/nginx:1.27"
	testSecretArn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123"
)

// testSubnets is n well-formed subnet ids from the first'th on, as a JSON list.
func testSubnets(first, n int) string {
	var ids []string
	for i := first; i < first+n; i++ {
		ids = append(ids, fmt.Sprintf("subnet-0123456789abcde%02x", i))
	}
	return CompactJSON(ids)
}

// manyCidrs is n distinct IPv4 /32 networks, as a JSON list.
func manyCidrs(n int) string {
	var cidrs []string
	for i := range n {
		cidrs = append(cidrs, fmt.Sprintf("198.51.100.%d/32", i))
	}
	return CompactJSON(cidrs)
}

// parse is Parse, then the region check the program runs once it knows the region.
func parse(raw map[string]string) (*Stack, error) {
	c, err := Parse(raw, Env{})
	if err != nil {
		return nil, err
	}
	return c, c.CheckRegion(testRegion)
}

// problemsOf is the problems of a refused config, sorted.
func problemsOf(t *testing.T, raw map[string]string) []string {
	t.Helper()
	_, err := parse(raw)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("config %v: want an *Error, got %T: %v", raw, err, err)
	}
	return slices.Sorted(slices.Values(e.Problems))
}

func TestBadConfigIsRefused(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   []string // every problem reported, exactly
	}{
		// The network, the ingress, the single service and unknown keys.
		"error if azCount is 1": {map[string]string{"azCount": "1"}, []string{
			"azCount: invalid value 1: must be between 2 and 6",
		}},
		"error if azCount is 7": {map[string]string{"azCount": "7"}, []string{
			"azCount: invalid value 7: must be between 2 and 6",
		}},
		"error if azCount is not a number": {map[string]string{"azCount": "two"}, []string{
			`azCount: invalid value "two": must be a whole number`,
		}},
		"error if vpcCidr is not a CIDR": {map[string]string{"vpcCidr": "10.0.0.0"}, []string{
			`vpcCidr: invalid value "10.0.0.0": must be an IPv4 CIDR block such as 10.0.0.0/16`,
		}},
		"error if vpcCidr is IPv6": {map[string]string{"vpcCidr": "fd00::/56"}, []string{
			`vpcCidr: invalid value "fd00::/56": must be an IPv4 CIDR block such as 10.0.0.0/16`,
		}},
		"error if vpcCidr is /8": {map[string]string{"vpcCidr": "10.0.0.0/8"}, []string{
			`vpcCidr: invalid value "10.0.0.0/8": prefix length must be between /16 and /23: the VPC is split into 16 equal blocks (a public and a private subnet for each of up to 6 AZs, at fixed places so that adding an AZ never moves a subnet), and each must be /27 or larger to hold an ALB`,
		}},
		"error if vpcCidr is /25": {map[string]string{"vpcCidr": "10.0.0.0/25"}, []string{
			`vpcCidr: invalid value "10.0.0.0/25": prefix length must be between /16 and /23: the VPC is split into 16 equal blocks (a public and a private subnet for each of up to 6 AZs, at fixed places so that adding an AZ never moves a subnet), and each must be /27 or larger to hold an ALB`,
		}},
		"error if vpcCidr has host bits": {map[string]string{"vpcCidr": "10.0.1.0/16"}, []string{
			`vpcCidr: invalid value "10.0.1.0/16": host bits are set; did you mean "10.0.0.0/16"?`,
		}},
		"error if vpcCidr cannot hold subnets": {map[string]string{"vpcCidr": "10.0.0.0/24"}, []string{
			`vpcCidr: invalid value "10.0.0.0/24": prefix length must be between /16 and /23: the VPC is split into 16 equal blocks (a public and a private subnet for each of up to 6 AZs, at fixed places so that adding an AZ never moves a subnet), and each must be /27 or larger to hold an ALB`,
		}},
		"error if listener port is 0": {map[string]string{"listenerPort": "0"}, []string{
			"listenerPort: invalid value 0: must be between 1 and 65535",
		}},
		"error if container port is 70000": {map[string]string{"containerPort": "70000"}, []string{
			"containerPort: invalid value 70000: must be between 1 and 65535",
		}},
		"error if listener protocol is TLS": {map[string]string{"listenerProtocol": "TLS"}, []string{
			`listenerProtocol: unsupported value "TLS": a TLS listener on a Network Load Balancer cannot forward to an ALB-type target group; keep the NLB listener "TCP" and terminate TLS on the ALB (certificateArn)`,
		}},
		"error if listener protocol is UDP": {map[string]string{"listenerProtocol": "UDP"}, []string{
			`listenerProtocol: unsupported value "UDP": an ALB-type target group accepts only TCP; supported values "TCP"`,
		}},
		"error if target group port differs from ALB listener": {map[string]string{"albListenerPort": "8080"},
			[]string{
				"albTargetGroupPort: invalid value 80: an ALB-type target group's port must equal the port of the ALB listener it targets (albListenerPort is 8080); set both to the same port",
			}},
		"error if priority is 0": {map[string]string{"priority": "0"}, []string{
			"priority: invalid value 0: must be between 1 and 50000",
		}},
		"error if priority is 50001": {map[string]string{"priority": "50001"}, []string{
			"priority: invalid value 50001: must be between 1 and 50000",
		}},
		"error if priority is taken": {map[string]string{"priority": "50000"}, []string{
			"priority: duplicate value 50000: already used by nlbHealthCheckRulePriority; each ALB listener rule needs its own priority",
		}},
		"error if path pattern is empty": {map[string]string{"pathPatterns": `[""]`}, []string{
			"pathPatterns[0]: missing value: must not be empty",
		}},
		"error if path pattern is too long": {map[string]string{"pathPatterns": `["/` + strings.Repeat("a", 128) + `"]`}, []string{
			`pathPatterns[0]: invalid value "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": is 129 characters, at most 128 are allowed`,
		}},
		"error if rule has 6 values": {map[string]string{"pathPatterns": `["/a","/b","/c"]`, "hostHeaders": `["a.example.com","b.example.com","c.example.com"]`},
			[]string{
				"pathPatterns: too many values: 6 path patterns and host headers, an ALB listener rule allows at most 5 condition values",
			}},
		"error if rule has no condition": {map[string]string{"pathPatterns": `[]`}, []string{
			"pathPatterns: missing value: a listener rule needs at least one path pattern or host header",
		}},
		"error if pathPatterns is not a list": {map[string]string{"pathPatterns": `/api/*`}, []string{
			`pathPatterns: invalid value "/api/*": must be a list of strings`,
		}},
		"error if health path lacks a slash": {map[string]string{"healthCheckPath": "healthz"}, []string{
			`healthCheckPath: invalid value "healthz": must be a URL path starting with "/", without spaces, query or fragment, at most 1024 characters`,
		}},
		"error if NLB health path lacks slash": {map[string]string{"nlbHealthCheckPath": "healthz"}, []string{
			`nlbHealthCheckPath: invalid value "healthz": must be a URL path starting with "/", without spaces, query or fragment, at most 1024 characters`,
		}},
		"error if health interval is 4": {map[string]string{"healthCheckInterval": "4", "healthCheckTimeout": "2"}, []string{
			"healthCheckInterval: invalid value 4: must be between 5 and 300",
		}},
		"error if health interval is 301": {map[string]string{"healthCheckInterval": "301"}, []string{
			"healthCheckInterval: invalid value 301: must be between 5 and 300",
		}},
		"error if health timeout is 1": {map[string]string{"healthCheckTimeout": "1"}, []string{
			"healthCheckTimeout: invalid value 1: must be between 2 and 120",
		}},
		"error if health timeout >= interval": {map[string]string{"healthCheckTimeout": "10"}, []string{
			"healthCheckTimeout: invalid value 10: must be less than healthCheckInterval (10)",
		}},
		"error if deregistration delay is 3601": {map[string]string{"deregistrationDelay": "3601"}, []string{
			"deregistrationDelay: invalid value 3601: must be between 0 and 3600",
		}},
		"error if deregistration delay is -1": {map[string]string{"deregistrationDelay": "-1"}, []string{
			"deregistrationDelay: invalid value -1: must be between 0 and 3600",
		}},
		"error if desiredCount is negative": {map[string]string{"desiredCount": "-1"}, []string{
			"desiredCount: invalid value -1: must be between 0 and 5000",
		}},
		"error if desiredCount is over the max": {map[string]string{"desiredCount": "5001"}, []string{
			"desiredCount: invalid value 5001: must be between 0 and 5000",
		}},
		"error if cpu is not a Fargate size": {map[string]string{"cpu": "300"}, []string{
			"cpu: unsupported value 300: Fargate task CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384",
		}},
		"error if memory does not fit cpu 256": {map[string]string{"memory": "4096"}, []string{
			"memory: invalid value 4096 for cpu 256: Fargate allows 512, 1024, 2048 MiB",
		}},
		"error if memory does not fit cpu 512": {map[string]string{"cpu": "512", "memory": "512"}, []string{
			"memory: invalid value 512 for cpu 512: Fargate allows 1024 to 4096 in steps of 1024 MiB",
		}},
		"error if container memory > task": {map[string]string{"containerMemory": "1024"}, []string{
			"containerMemory: invalid value 1024: must be between 6 MiB and the task memory (512)",
		}},
		"error if natGateways is unknown": {map[string]string{"natGateways": "two"}, []string{
			`natGateways: unsupported value "two": supported values "perAz", "single", "none"`,
		}},
		"error if no NAT and no way to ECR": {map[string]string{"natGateways": "none"}, []string{
			`natGateways: invalid value "none": tasks in private subnets must pull their image from ECR and send logs to CloudWatch over IPv4; set vpcEndpoints: true to reach them through VPC endpoints, or use natGateways "single"`,
		}},
		"error if no NAT and a non-ECR image": {map[string]string{"natGateways": "none", "vpcEndpoints": "true", "image": "nginx:1.27"},
			[]string{
				`image: invalid value "nginx:1.27" with natGateways "none": without a NAT gateway tasks can pull only from ECR (through the VPC endpoints); push the image to ECR or use natGateways "single"`,
			}},
		"error if image is not a reference": {map[string]string{"image": "Not An Image!"}, []string{
			`image: invalid value "Not An Image!": must be an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3 or public.ecr.aws/nginx/nginx:1.27 (registry/repository[:tag][@sha256:digest])`,
		}},
		"error if image has a bad digest": {map[string]string{"image": "nginx@sha256:abc"}, []string{
			`image: invalid value "nginx@sha256:abc": must be an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3 or public.ecr.aws/nginx/nginx:1.27 (registry/repository[:tag][@sha256:digest])`,
		}},
		// The operations baseline.
		"error if accessLogRetentionDays is 0": {map[string]string{"accessLogRetentionDays": "0"}, []string{
			"accessLogRetentionDays: invalid value 0: must be between 1 and 3650",
		}},
		"error if accessLogs is not a boolean": {map[string]string{"accessLogs": "yes"}, []string{
			`accessLogs: invalid value "yes": must be true or false`,
		}},
		"error if containerInsights is on": {map[string]string{"containerInsights": "on"}, []string{
			`containerInsights: unsupported value "on": supported values "enabled", "enhanced", "disabled"`,
		}},
		"error if alarmEmail is a name": {map[string]string{"alarmEmail": "Ops <ops@example.com>"}, []string{
			`alarmEmail: invalid value "Ops <ops@example.com>": must be one email address such as ops@example.com`,
		}},
		"error if alarm thresholds are out of range": {map[string]string{"alarmTarget5xxCount": "0", "alarmP99LatencyMs": "0", "alarmCpuPercent": "101", "alarmMemoryPercent": "0"}, []string{
			"alarmTarget5xxCount: invalid value 0: must be between 1 and 1000000",
			"alarmP99LatencyMs: invalid value 0: must be between 1 and 4000000",
			"alarmCpuPercent: invalid value 101: must be between 1 and 100",
			"alarmMemoryPercent: invalid value 0: must be between 1 and 100",
		}},
		"error if flowLogRetentionDays is 10": {map[string]string{"flowLogs": "true", "flowLogRetentionDays": "10"}, []string{
			"flowLogRetentionDays: unsupported value 10: CloudWatch Logs allows 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 keeps logs forever)",
		}},
		"error if wafRateLimit is 50, even with waf off": {map[string]string{"wafRateLimit": "50"}, []string{
			"wafRateLimit: invalid value 50: must be between 100 and 2000000000",
		}},
		"error if waf is not a boolean and flowLogs a number": {map[string]string{"waf": "on", "flowLogs": "2"}, []string{
			`waf: invalid value "on": must be true or false`,
			`flowLogs: invalid value "2": must be true or false`,
		}},
		"error if log retention is 2": {map[string]string{"logRetentionDays": "2"}, []string{
			"logRetentionDays: unsupported value 2: CloudWatch Logs allows 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 keeps logs forever)",
		}},
		"error if deletionProtection is yes": {map[string]string{"deletionProtection": "yes"}, []string{
			`deletionProtection: invalid value "yes": must be true or false`,
		}},
		"error if a key is misspelled": {map[string]string{"desiredcount": "3"}, []string{
			`desiredcount: unknown setting; did you mean "desiredCount"?`,
		}},
		"error if a key has a typo": {map[string]string{"helthCheckPath": "/"}, []string{
			`helthCheckPath: unknown setting; did you mean "healthCheckPath"?`,
		}},
		"error if services is not a list": {map[string]string{"services": `{"name":"web"}`}, []string{
			`services: invalid value "{\"name\":\"web\"}": must be a list of service objects`,
		}},
		"every problem is reported at once": {map[string]string{"azCount": "9", "natGateways": "many", "priority": "0", "cpu": "100"},
			[]string{
				"azCount: invalid value 9: must be between 2 and 6",
				`natGateways: unsupported value "many": supported values "perAz", "single", "none"`,
				"cpu: unsupported value 100: Fargate task CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384",
				"priority: invalid value 0: must be between 1 and 50000",
			}},

		// Several services, capacity providers, autoscaling.
		"error if names repeat": {map[string]string{"services": `[{"name":"web"},{"name":"web","priority":2}]`},
			[]string{
				`services[1].name: duplicate value "web": already used by services[0].name; service names must be unique`,
			}},
		"error if a name is missing": {map[string]string{"services": `[{"priority":2}]`}, []string{
			"services[0].name: missing value: every service needs a name",
		}},
		"error if a name is invalid": {map[string]string{"services": `[{"name":"Web_1"}]`}, []string{
			`services[0].name: invalid value "Web_1": must start with a lowercase letter, contain only lowercase letters, digits and hyphens, and be at most 20 characters`,
		}},
		"error if priorities repeat": {map[string]string{"services": `[{"name":"a"},{"name":"b","pathPatterns":["/b*"]}]`},
			[]string{
				"services[1].priority: duplicate value 1: already used by services[0].priority; each ALB listener rule needs its own priority",
			}},
		"error if internal ports repeat": {map[string]string{"services": `[{"name":"web"},{"name":"a","internal":true,"internalPort":9000},{"name":"b","internal":true,"internalPort":9000}]`},
			[]string{
				"services[2].internalPort: duplicate value 9000: already used by services[1].internalPort; each internal service needs its own ALB listener port",
			}},
		"error if an internal port is the public listener's": {map[string]string{"services": `[{"name":"web"},{"name":"a","internal":true,"internalPort":80}]`},
			[]string{
				"services[1].internalPort: duplicate value 80: already used by albListenerPort; each internal service needs its own ALB listener port",
			}},
		"error if an internal service has no port": {map[string]string{"services": `[{"name":"web"},{"name":"a","internal":true}]`},
			[]string{
				"services[1].internalPort: missing value: an internal service needs its own ALB listener port, e.g. 8081",
			}},
		"error if a public service has no rule": {map[string]string{"services": `[{"name":"web","pathPatterns":[]}]`},
			[]string{
				"services[0].pathPatterns: missing value: a listener rule needs at least one path pattern or host header",
			}},
		"error if no service is public": {map[string]string{"services": `[{"name":"a","internal":true,"internalPort":9000}]`},
			[]string{
				"services: no public service: at least one service must have internal: false, because the NLB's health check is routed to the first public service",
			}},
		"error if spot and strategy": {map[string]string{"spot": "true", "capacityProviderStrategy": `[{"capacityProvider":"FARGATE","weight":1}]`},
			[]string{
				"spot: conflicts with capacityProviderStrategy: spot: true means all FARGATE_SPOT; set one or the other",
			}},
		"error if provider is unknown": {map[string]string{"capacityProviderStrategy": `[{"capacityProvider":"EC2","weight":1}]`},
			[]string{
				`capacityProviderStrategy[0].capacityProvider: unsupported value "EC2": supported values "FARGATE", "FARGATE_SPOT"`,
			}},
		"error if every weight is 0": {map[string]string{"capacityProviderStrategy": `[{"capacityProvider":"FARGATE","base":1}]`},
			[]string{
				"capacityProviderStrategy: invalid value: every weight is 0; at least one provider needs a weight above 0",
			}},
		"error if two bases": {map[string]string{"capacityProviderStrategy": `[{"capacityProvider":"FARGATE","base":1,"weight":1},{"capacityProvider":"FARGATE_SPOT","base":1,"weight":1}]`},
			[]string{
				"capacityProviderStrategy: invalid value: 2 providers have a base; ECS allows a base on one provider only",
			}},
		"error if a strategy field is misspelled": {map[string]string{"capacityProviderStrategy": `[{"capacityProvider":"FARGATE","wieght":1}]`},
			[]string{
				`capacityProviderStrategy[0].wieght: unknown setting; did you mean "weight"?`,
				"capacityProviderStrategy: invalid value: every weight is 0; at least one provider needs a weight above 0",
			}},
		"error if desired is below min": {map[string]string{"desiredCount": "1", "autoscaling": `{"min":2,"max":4,"cpuTarget":50}`},
			[]string{
				"desiredCount: invalid value 1: must be between autoscaling.min (2) and autoscaling.max (4)",
			}},
		"error if min exceeds max": {map[string]string{"autoscaling": `{"min":5,"max":4,"cpuTarget":50}`},
			[]string{
				"autoscaling.min: invalid value 5: must not exceed autoscaling.max (4)",
			}},
		"error if no scaling target": {map[string]string{"autoscaling": `{"min":1,"max":4}`},
			[]string{
				"autoscaling: missing value: give cpuTarget (percent) and/or requestsPerTarget (ALB requests per task)",
			}},
		"error if cpu target out of range": {map[string]string{"autoscaling": `{"min":1,"max":4,"cpuTarget":95}`},
			[]string{
				"autoscaling.cpuTarget: invalid value 95: must be between 10 and 90",
			}},
		"error if requests target is negative": {map[string]string{"autoscaling": `{"min":1,"max":4,"requestsPerTarget":-5}`},
			[]string{
				"autoscaling.requestsPerTarget: invalid value -5: must be between 1 and 1000000",
			}},
		"error if an autoscaling field has the wrong type": {map[string]string{"autoscaling": `{"min":"one","max":4,"cpuTarget":50}`},
			[]string{
				`autoscaling.min: invalid value "one": must be a whole number`,
			}},
		"error if a service key is misspelled": {map[string]string{"services": `[{"name":"web","desiredcount":3}]`},
			[]string{
				`services[0].desiredcount: unknown setting; did you mean "desiredCount"?`,
			}},
		"error if a service value has the wrong type": {map[string]string{"services": `[{"name":"web","cpu":"lots"}]`},
			[]string{
				`services[0].cpu: invalid value "lots": must be a whole number`,
			}},
		"error in a service's inherited rule is reported on the service": {map[string]string{"services": `[{"name":"web","memory":4096}]`},
			[]string{
				"services[0].memory: invalid value 4096 for cpu 256: Fargate allows 512, 1024, 2048 MiB",
			}},

		// HTTPS, DNS and PrivateLink.
		"error if the certificate ARN is malformed": {map[string]string{"certificateArn": "arn:aws:iam::123456789012:server-certificate/x"},
			[]string{
				`certificateArn: invalid value "arn:aws:iam::123456789012:server-certificate/x": must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab`,
			}},
		"error if both certificate options": {map[string]string{"certificateArn": testCertArn, "createCertificate": "true", "domain": "example.com", "hostedZoneId": testZoneID},
			[]string{
				"createCertificate: conflicts with certificateArn: use an existing certificate or create one, not both",
			}},
		"error if a created certificate has no domain": {map[string]string{"createCertificate": "true"},
			[]string{
				"createCertificate: missing value: a created certificate is for domain and is validated in its hosted zone; set domain and hostedZoneId (or hostedZoneName)",
			}},
		"error if HTTPS uses the HTTP port": {map[string]string{"certificateArn": testCertArn, "httpsListenerPort": "80"},
			[]string{
				"httpsListenerPort: duplicate value 80: already used by listenerPort; the NLB and the ALB need a separate port for HTTPS",
				"httpsListenerPort: duplicate value 80: already used by albListenerPort; the NLB and the ALB need a separate port for HTTPS",
			}},
		"error if the HTTPS port is out of range": {map[string]string{"certificateArn": testCertArn, "httpsListenerPort": "0"},
			[]string{
				"httpsListenerPort: invalid value 0: must be between 1 and 65535",
			}},
		"error if the TLS policy is old": {map[string]string{"certificateArn": testCertArn, "sslPolicy": "ELBSecurityPolicy-2016-08"},
			[]string{
				`sslPolicy: unsupported value "ELBSecurityPolicy-2016-08": use a TLS 1.3 policy: "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09"`,
			}},
		"error if an internal port is the HTTPS port": {map[string]string{"certificateArn": testCertArn, "services": `[{"name":"web"},{"name":"api","internal":true,"internalPort":443}]`},
			[]string{
				"services[1].internalPort: duplicate value 443: already used by httpsListenerPort; each internal service needs its own ALB listener port",
			}},
		"error if the domain is not a DNS name": {map[string]string{"domain": "bad_name..com", "hostedZoneId": testZoneID},
			[]string{
				`domain: invalid value "bad_name..com": must be a DNS name such as api.example.com (labels of letters, digits and hyphens, at most 253 characters)`,
			}},
		"error if the domain has no zone": {map[string]string{"domain": "example.com"},
			[]string{
				"hostedZoneId: missing value: domain is set; give the Route 53 hosted zone that holds it (hostedZoneId or hostedZoneName)",
			}},
		"error if a zone has no domain": {map[string]string{"hostedZoneId": testZoneID},
			[]string{
				"domain: missing value: a hosted zone is set, so give the name to create records for, e.g. api.example.com or the zone apex",
			}},
		"error if both zone options": {map[string]string{"domain": "example.com", "hostedZoneId": testZoneID, "hostedZoneName": "example.com"},
			[]string{
				"hostedZoneName: conflicts with hostedZoneId: give one of them",
			}},
		"error if the zone id is malformed": {map[string]string{"domain": "example.com", "hostedZoneId": "example.com"},
			[]string{
				`hostedZoneId: invalid value "example.com": must be a Route 53 zone id such as Z0123456789ABCDEFGHIJ`,
			}},
		"error if the domain is outside the zone": {map[string]string{"domain": "api.example.org", "hostedZoneName": "example.com"},
			[]string{
				`domain: invalid value "api.example.org": is not inside hostedZoneName "example.com"`,
			}},
		"error if allowedCidrs is not CIDRs": {map[string]string{"allowedCidrs": `["203.0.113.7","203.0.113.0/24","2001:db8::1/32","partner"]`}, []string{
			`allowedCidrs[0]: invalid value "203.0.113.7": must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32`,
			`allowedCidrs[2]: invalid value "2001:db8::1/32": host bits are set; did you mean "2001:db8::/32"?`,
			`allowedCidrs[3]: invalid value "partner": must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32`,
		}},
		"error if allowedCidrs is empty": {map[string]string{"allowedCidrs": `[]`}, []string{
			`allowedCidrs: invalid value []: an empty list would admit no client at all, closing the stack silently; to take it off the internet, set desiredCount: 0 or list one address you control such as "192.0.2.1/32"`,
		}},
		"error if a network is listed twice": {map[string]string{"allowedCidrs": `["198.51.100.0/24","198.51.100.0/24"]`}, []string{
			`allowedCidrs[1]: duplicate value "198.51.100.0/24": already used by allowedCidrs[0]; each network needs one rule per listener port`,
		}},
		"error if one network is spelt two ways": {map[string]string{"allowedCidrs": `["2001:db8::/32","2001:DB8:0::/32","198.51.100.0/24"]`}, []string{
			`allowedCidrs[1]: duplicate value "2001:DB8:0::/32": the same network as allowedCidrs[0] "2001:db8::/32" (AWS writes both as 2001:db8::/32); each network needs one rule per listener port, so list it once`,
		}},

		"error if allowedCidrs outgrow the default rules quota without preflight": {map[string]string{"preflight": "false", "certificateArn": testCertArn, "allowedCidrs": manyCidrs(31)}, []string{
			`allowedCidrs: too many networks: 31 IPv4 entries × 2 listener ports make 62 inbound rules, above AWS's default quota of 60 (Inbound or outbound rules per security group, L-0EA8095F); list fewer or wider networks, or raise the quota and set preflight: true so the account's own quota is checked`,
		}},
		"error if waitForSteadyState is not a boolean": {map[string]string{"waitForSteadyState": "until-healthy", "services": `[{"name":"web","waitForSteadyState":"5m"}]`}, []string{
			`services[0].waitForSteadyState: invalid value "5m": must be true or false`,
			`waitForSteadyState: invalid value "until-healthy": must be true or false`,
		}},
		"error if rollbackOnAlarm is not a boolean": {map[string]string{"rollbackOnAlarm": "sometimes"}, []string{
			`rollbackOnAlarm: invalid value "sometimes": must be true or false`,
		}},
		"error if a principal is not an ARN": {map[string]string{"privateLink": `{"allowedPrincipals":["210987654321"]}`},
			[]string{
				`privateLink.allowedPrincipals[0]: invalid value "210987654321": must be an IAM principal ARN such as arn:aws:iam::123456789012:root, or "*"`,
			}},
		"error if anyone may connect unapproved": {map[string]string{"privateLink": `{"allowedPrincipals":["*"],"acceptanceRequired":false}`},
			[]string{
				`privateLink.acceptanceRequired: invalid value false with allowedPrincipals "*": any AWS account could connect without approval; require acceptance or list the principals`,
			}},
		"error if a privateLink key is misspelled": {map[string]string{"privateLink": `{"allowedPrinciples":[]}`},
			[]string{
				`privateLink.allowedPrinciples: unknown setting; did you mean "allowedPrincipals"?`,
			}},

		// Your own image, and ARNs in the stack's region.
		"error if the secret ARN is malformed": {map[string]string{"image": testImage, "imageCredentialsSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:registry"},
			[]string{
				`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:registry": must be a Secrets Manager secret's full ARN such as arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123`,
			}},
		"error if the secret ARN lacks its suffix": {map[string]string{"image": testImage, "imageCredentialsSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry"},
			[]string{
				`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry": must be a Secrets Manager secret's full ARN such as arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123`,
			}},
		"error if credentials come without an image": {map[string]string{"imageCredentialsSecretArn": testSecretArn},
			[]string{
				`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123": registry credentials are for image, from a private registry; set image, or leave this empty to build ./app`,
			}},
		"error if credentials come with an ECR image": {map[string]string{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1", "imageCredentialsSecretArn": testSecretArn},
			[]string{
				`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123": image "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1" is in ECR, which ECS pulls from with the execution role; leave this empty`,
			}},
		"error if the secret is in another region": {map[string]string{"image": testImage, "imageCredentialsSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/team-AbC123"},
			[]string{
				`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/team-AbC123": is in aws/eu-west-1, the stack in aws/us-east-1; a task definition's registry credentials must be in the stack's region`,
			}},
		"error if the certificate is in another region": {map[string]string{"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"},
			[]string{
				`certificateArn: invalid value "arn:aws:acm:eu-west-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab": is in aws/eu-west-1, the stack in aws/us-east-1; an ALB's certificate must be in the stack's region`,
			}},
		"error if the health check command is not a list": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":"curl -f http://localhost/"}`},
			[]string{
				`containerHealthCheck.command: invalid value "curl -f http://localhost/": must be a list of strings`,
			}},
		"error if the health check has no command": {map[string]string{"image": testImage, "containerHealthCheck": `{"interval":30}`},
			[]string{
				`containerHealthCheck.command: missing value: give the command as ECS takes it, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] or ["CMD", "/bin/probe"]`,
			}},
		"error if the command does not start with CMD": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["curl","-f","http://localhost/"]}`},
			[]string{
				`containerHealthCheck.command: invalid value ["curl","-f","http://localhost/"]: must start with "CMD" (run the arguments) or "CMD-SHELL" (run in the image's shell)`,
			}},
		"error if CMD-SHELL gets two strings": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD-SHELL","curl","-f"]}`},
			[]string{
				`containerHealthCheck.command: invalid value ["CMD-SHELL","curl","-f"]: "CMD-SHELL" takes one shell command string after it`,
			}},
		"error if the interval is 301": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"interval":301}`},
			[]string{
				"containerHealthCheck.interval: invalid value 301: must be between 5 and 300",
			}},
		"error if the timeout is 61": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"timeout":61}`},
			[]string{
				"containerHealthCheck.timeout: invalid value 61: must be between 2 and 60",
			}},
		"error if the retries are 11": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"retries":11}`},
			[]string{
				"containerHealthCheck.retries: invalid value 11: must be between 1 and 10",
			}},
		"error if the start period is negative": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"startPeriod":-1}`},
			[]string{
				"containerHealthCheck.startPeriod: invalid value -1: must be between 0 and 300",
			}},
		"error if a health check key is misspelled": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"intervall":30}`},
			[]string{
				`containerHealthCheck.intervall: unknown setting; did you mean "interval"?`,
			}},
		"error if task identity is asked of an own image": {map[string]string{"image": testImage, "taskIdentity": "true"},
			[]string{
				"taskIdentity: invalid value true: only the bundled app (build ./app) serves /whoami; your image serves its own paths",
			}},
		"error if the NLB path is not a path": {map[string]string{"nlbHealthCheckPath": "ping"},
			[]string{
				`nlbHealthCheckPath: invalid value "ping": must be a URL path starting with "/", without spaces, query or fragment, at most 1024 characters`,
			}},
		// Environment, secrets, CPU architecture.
		"error if a variable name is not a name": {map[string]string{"environment": `{"LOG-LEVEL":"info","1ST":"x"}`}, []string{
			`environment.1ST: invalid name "1ST": must be letters, digits and underscores, not starting with a digit`,
			`environment.LOG-LEVEL: invalid name "LOG-LEVEL": must be letters, digits and underscores, not starting with a digit`,
		}},
		"error if environment is not a map of strings": {map[string]string{"environment": `{"FLAGS":["a","b"]}`}, []string{
			`environment: invalid value "{\"FLAGS\":[\"a\",\"b\"]}": must be a map of names to strings, e.g. {LOG_LEVEL: info}; the value of FLAGS is ["a","b"]`,
		}},
		"error if a variable is the stack's own": {map[string]string{"environment": `{"PORT":"9000"}`, "secrets": `{"TASK_IDENTITY":"` + testParameterArn + `"}`}, []string{
			`environment.PORT: reserved name "PORT": the stack sets it to containerPort`,
			`secrets.TASK_IDENTITY: reserved name "TASK_IDENTITY": the stack sets it for taskIdentity`,
		}},
		"error if a variable is an internal service's address": {map[string]string{"services": `[{"name":"web","environment":{"API_URL":"http://x"}},{"name":"api","internal":true,"internalPort":8081,"environment":{"API_URL":"self"}}]`}, []string{
			`services[0].environment.API_URL: reserved name "API_URL": the stack sets it to internal service api's address`,
		}},
		"error if a name is both plain and secret": {map[string]string{"environment": `{"DB_PASSWORD":"hunter2"}`, "secrets": `{"DB_PASSWORD":"` + testParameterArn + `"}`}, []string{
			`secrets.DB_PASSWORD: duplicate name "DB_PASSWORD": also set in environment; a variable is either plain or secret`,
		}},
		"error if AWS keys are plain variables": {map[string]string{"environment": `{"AWS_ACCESS_KEY_ID":"AKIA","AWS_SECRET_ACCESS_KEY":"x"}`}, []string{
			`environment.AWS_ACCESS_KEY_ID: invalid name "AWS_ACCESS_KEY_ID": credentials must not be plain environment variables (Security Hub ECS.8); the task role gives the app AWS credentials, and other credentials belong in secrets`,
			`environment.AWS_SECRET_ACCESS_KEY: invalid name "AWS_SECRET_ACCESS_KEY": credentials must not be plain environment variables (Security Hub ECS.8); the task role gives the app AWS credentials, and other credentials belong in secrets`,
		}},
		"error if a secret is a value or a partial ARN": {map[string]string{"secrets": `{"A":"hunter2","B":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db","C":"/web/db-password"}`}, []string{
			`secrets.A: invalid value "hunter2": must be an SSM parameter ARN (arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password) or a Secrets Manager secret's full ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123), optionally with :json-key:version-stage:version-id`,
			`secrets.B: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:secret:db": must be an SSM parameter ARN (arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password) or a Secrets Manager secret's full ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123), optionally with :json-key:version-stage:version-id`,
			`secrets.C: invalid value "/web/db-password": must be an SSM parameter ARN (arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password) or a Secrets Manager secret's full ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123), optionally with :json-key:version-stage:version-id`,
		}},
		"error if a secret names a stage and a version": {map[string]string{"secrets": `{"KEY":"` + testSecretArn + `:key:AWSCURRENT:0e6c3c2f-1234-4abc-9def-0123456789ab"}`}, []string{
			`secrets.KEY: invalid value "` + testSecretArn + `:key:AWSCURRENT:0e6c3c2f-1234-4abc-9def-0123456789ab": give a version stage or a version id, not both`,
		}},
		"error if a secret is in another region": {map[string]string{"secrets": `{"DB":"arn:aws:ssm:eu-west-1:123456789012:parameter/db"}`}, []string{
			`secrets.DB: invalid value "arn:aws:ssm:eu-west-1:123456789012:parameter/db": is in aws/eu-west-1, the stack in aws/us-east-1; a task definition's secrets must be in the stack's region`,
		}},
		"error if the KMS key is an alias": {map[string]string{"secrets": `{"DB":"` + testParameterArn + `"}`, "secretsKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:alias/app"}, []string{
			`secretsKmsKeyArn: invalid value "arn:aws:kms:us-east-1:123456789012:alias/app": must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (an alias cannot be granted kms:Decrypt)`,
		}},
		"error if the KMS key has nothing to decrypt": {map[string]string{"secretsKmsKeyArn": testKmsKeyArn}, []string{
			`secretsKmsKeyArn: invalid value "` + testKmsKeyArn + `": there are no secrets to decrypt; set secrets (or imageCredentialsSecretArn), or leave this empty`,
		}},
		"error if the CPU architecture is lowercase": {map[string]string{"cpuArchitecture": "arm64"}, []string{
			`cpuArchitecture: unsupported value "arm64": write it as "ARM64"`,
		}},
		"error if the CPU architecture is Docker's name": {map[string]string{"services": `[{"name":"web","cpuArchitecture":"amd64"}]`}, []string{
			`services[0].cpuArchitecture: unsupported value "amd64": Fargate runs Linux tasks on "X86_64", "ARM64"`,
		}},
		// An existing VPC, as written (the look-ups are existingvpc_test.go's).
		"error if an existing VPC is half given": {map[string]string{"vpcId": "vpc-0123456789abcdef0"}, []string{
			"publicSubnetIds: missing value: an existing VPC takes vpcId, publicSubnetIds and privateSubnetIds together",
			"privateSubnetIds: missing value: an existing VPC takes vpcId, publicSubnetIds and privateSubnetIds together",
		}},
		"error if the existing VPC's ids are malformed": {map[string]string{"vpcId": "vpc-xyz", "publicSubnetIds": `["subnet-0123456789abcdef0","sn-1"]`, "privateSubnetIds": `["subnet-0123456789abcdef1","subnet-0123456789abcdef0"]`}, []string{
			`vpcId: invalid value "vpc-xyz": must be a VPC id such as vpc-0123456789abcdef0`,
			`publicSubnetIds[1]: invalid value "sn-1": must be a subnet id such as subnet-0123456789abcdef0`,
			`privateSubnetIds[1]: duplicate value "subnet-0123456789abcdef0": already used by publicSubnetIds[0]; each AZ needs a public and a private subnet of its own`,
		}},
		"error if the existing VPC's lists differ in length": {map[string]string{"vpcId": testVpcID, "publicSubnetIds": `["subnet-0123456789abcdef0"]`, "privateSubnetIds": `["subnet-0123456789abcdef1","subnet-0123456789abcdef2"]`}, []string{
			"privateSubnetIds: invalid value: 2 private subnets for 1 public ones; give one public and one private subnet per AZ",
			"publicSubnetIds: invalid value: 1 subnets; give one per AZ, in 2 to 6 AZs (an ALB needs two)",
		}},
		"error if an existing VPC comes with new-VPC settings": {map[string]string{"vpcId": testVpcID, "publicSubnetIds": testSubnets(0, 2), "privateSubnetIds": testSubnets(2, 2),
			"vpcCidr": "10.1.0.0/16", "natGateways": "single", "vpcEndpoints": "true", "azCount": "3"}, []string{
			`vpcCidr: invalid value "10.1.0.0/16" with vpcId: the existing VPC has its own CIDR; leave vpcCidr unset`,
			`natGateways: invalid value "single" with vpcId: the stack creates no NAT gateways in an existing VPC, whose private subnets' routes give the tasks their egress; leave natGateways unset`,
			"vpcEndpoints: invalid value true with vpcId: the stack creates no VPC endpoints in an existing VPC (they may exist already, and a second set with private DNS would clash); leave vpcEndpoints unset",
			"azCount: invalid value 3: the existing VPC's subnets are in 2 AZs; azCount follows publicSubnetIds, so leave it unset",
		}},
		"error if own Elastic IPs are one short": {map[string]string{"eipAllocationIds": `["eipalloc-0123456789abcdef0"]`}, []string{
			"eipAllocationIds: invalid value: 1 allocation ids for azCount 2: give one Elastic IP per AZ, in AZ order",
		}},
		"error if own Elastic IPs are not allocation ids": {map[string]string{"eipAllocationIds": `["eipalloc-12345","203.0.113.7"]`}, []string{
			`eipAllocationIds[0]: invalid value "eipalloc-12345": must be an Elastic IP allocation id such as eipalloc-0123456789abcdef0`,
			`eipAllocationIds[1]: invalid value "203.0.113.7": must be an Elastic IP allocation id such as eipalloc-0123456789abcdef0`,
		}},
		"error if an own Elastic IP is given twice": {map[string]string{"eipAllocationIds": `["eipalloc-0123456789abcdef0","eipalloc-0123456789abcdef0"]`}, []string{
			`eipAllocationIds[1]: duplicate value "eipalloc-0123456789abcdef0": already used by eipAllocationIds[0]; each AZ needs an Elastic IP of its own`,
		}},
		"error if own Elastic IPs do not match the existing subnets": {map[string]string{"vpcId": testVpcID, "publicSubnetIds": testSubnets(0, 3), "privateSubnetIds": testSubnets(3, 3),
			"eipAllocationIds": `["eipalloc-0123456789abcdef0","eipalloc-0123456789abcdef1"]`}, []string{
			"eipAllocationIds: invalid value: 2 allocation ids for azCount 3: give one Elastic IP per AZ, in AZ order",
		}},
		// Type errors and broken rules, all at once; a value of the wrong type is reported
		// once, not again by the rules that would read the default standing in for it.
		"every problem at once, wrong types and broken rules together": {map[string]string{"azCount": "two", "priority": "0", "cpu": "100"}, []string{
			`azCount: invalid value "two": must be a whole number`,
			"priority: invalid value 0: must be between 1 and 50000",
			"cpu: unsupported value 100: Fargate task CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384",
		}},
		"a wrong cpu is not judged with the memory": {map[string]string{"cpu": "lots", "memory": "4096"}, []string{
			`cpu: invalid value "lots": must be a whole number`,
		}},
		"a wrong interval is not compared with the timeout": {map[string]string{"healthCheckInterval": "often", "healthCheckTimeout": "20"}, []string{
			`healthCheckInterval: invalid value "often": must be a whole number`,
		}},
		"a wrong priority takes no priority from another service": {map[string]string{"services": `[{"name":"a","priority":"first"},{"name":"b","pathPatterns":["/b*"]}]`}, []string{
			`services[0].priority: invalid value "first": must be a whole number`,
		}},
		"a wrong autoscaling bound is not compared with desiredCount": {map[string]string{"desiredCount": "9", "autoscaling": `{"min":1,"max":"four","cpuTarget":50}`}, []string{
			`autoscaling.max: invalid value "four": must be a whole number`,
		}},
		"a wrong albListenerPort is not compared with the target group's": {map[string]string{"albListenerPort": "eighty", "albTargetGroupPort": "8080"}, []string{
			`albListenerPort: invalid value "eighty": must be a whole number`,
		}},
		// The permissions boundary: a customer managed policy's ARN, in the stack's partition.
		"error if rolePermissionsBoundary is a role": {map[string]string{
			"rolePermissionsBoundary": "arn:aws:iam::123456789012:role/boundary",
		}, []string{
			`rolePermissionsBoundary: invalid value "arn:aws:iam::123456789012:role/boundary": must be the ARN of a customer managed policy such as arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary (the bootstrap's rolePermissionsBoundaryArn output)`,
		}},
		"error if rolePermissionsBoundary is an AWS managed policy": {map[string]string{"rolePermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"}, []string{
			`rolePermissionsBoundary: invalid value "arn:aws:iam::aws:policy/AdministratorAccess": must be the ARN of a customer managed policy such as arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary (the bootstrap's rolePermissionsBoundaryArn output)`,
		}},
		"error if rolePermissionsBoundary is of another partition": {map[string]string{"rolePermissionsBoundary": "arn:aws-cn:iam::123456789012:policy/nlb-alb-fargate-role-boundary"}, []string{
			`rolePermissionsBoundary: invalid value "arn:aws-cn:iam::123456789012:policy/nlb-alb-fargate-role-boundary": is in partition aws-cn, the stack in aws; a permissions boundary must be a policy of the stack's account`,
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, want := problemsOf(t, tc.config), slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(want, "\n       "))
			}
		})
	}
}

// A permissions boundary under a path is accepted; of another account it is refused by
// the look-up stage, which knows the caller's account.
func TestRolePermissionsBoundaryAccount(t *testing.T) {
	for _, arn := range []string{"arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary", "arn:aws:iam::123456789012:policy/team/boundaries/ci-roles"} {
		c, err := parse(map[string]string{"rolePermissionsBoundary": arn})
		if err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		if c.Operations.RolePermissionsBoundary != arn {
			t.Errorf("rolePermissionsBoundary %q, want %q", c.Operations.RolePermissionsBoundary, arn)
		}
		if err := c.CheckAccount("123456789012"); err != nil {
			t.Errorf("%s in its own account: %v", arn, err)
		}
		err = c.CheckAccount("210987654321")
		want := `rolePermissionsBoundary: invalid value "` + arn + `": is a policy of account 123456789012, the stack deploys into account 210987654321; use the boundary the bootstrap made in this account (its rolePermissionsBoundaryArn output)`
		var e *Error
		if !errors.As(err, &e) || !slices.Equal(e.Problems, []string{want}) {
			t.Errorf("%s in another account: %v, want %q", arn, err, want)
		}
	}
	c, err := parse(map[string]string{})
	if err != nil || c.CheckAccount("210987654321") != nil || c.Operations.RolePermissionsBoundary != "" {
		t.Errorf("no boundary: %v, %+v", err, c.Operations)
	}
}

// The rules quota's edge: 30 networks × 2 ports fill AWS's default 60 without preflight,
// and with preflight (the default) the account's own quota decides later.
// A setting under another namespace: refused when its name is one of this project's
// settings (the project was renamed, the stack file was not), left to its program when not.
func TestSettingsUnderAnotherProjectName(t *testing.T) {
	raw := map[string]string{"other:azCount": "3", "other:services": "[]", "aws:region": "eu-west-1", "other:unrelated": "x", "azCount": "2"}
	_, err := Parse(raw, Env{Project: "partner-api"})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want an *Error, got %T: %v", err, err)
	}
	want := []string{
		`other:azCount: this project is named "partner-api" in Pulumi.yaml; did you mean partner-api:azCount?`,
		`other:services: this project is named "partner-api" in Pulumi.yaml; did you mean partner-api:services?`,
	}
	if got := slices.Sorted(slices.Values(e.Problems)); !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

// ClientCidrs are written in AWS's spelling, whatever the stack file's; ClientNetworks
// keep the written form beside it (the rules' old names).
func TestClientCidrsInAWSSpelling(t *testing.T) {
	c, err := parse(map[string]string{"allowedCidrs": `["2001:DB8:0:0::/32","198.51.100.0/24","2001:0db8:00aa::/48"]`})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Ingress.ClientCidrs(true), []string{"2001:db8::/32", "2001:db8:aa::/48"}; !slices.Equal(got, want) {
		t.Errorf("IPv6 client CIDRs: got %q, want %q", got, want)
	}
	if got, want := c.Ingress.ClientCidrs(false), []string{"198.51.100.0/24"}; !slices.Equal(got, want) {
		t.Errorf("IPv4 client CIDRs: got %q, want %q", got, want)
	}
	if got := c.Ingress.ClientNetworks()[0]; got != (ClientNetwork{Cidr: "2001:db8::/32", Written: "2001:DB8:0:0::/32", IPv6: true}) {
		t.Errorf("first network: got %+v", got)
	}
}

func TestAllowedCidrsAtTheDefaultQuota(t *testing.T) {
	for _, raw := range []map[string]string{
		{"preflight": "false", "certificateArn": testCertArn, "allowedCidrs": manyCidrs(30)},
		{"certificateArn": testCertArn, "allowedCidrs": manyCidrs(31)},
	} {
		if _, err := parse(raw); err != nil {
			t.Errorf("%v: %v", raw, err)
		}
	}
}
