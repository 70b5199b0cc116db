// Package operations is the stack's operations and security baseline: the buckets it
// creates (safe alike), the load balancers' access logs and the VPC's flow logs, the
// alarms along the request path and the topic they notify, each service's deployment
// alarms, the dashboard, and the WAF web ACL. Each part has an entry point that takes
// typed inputs (the settings, the account from internal/site, the outputs it watches)
// and returns typed outputs; nothing here reaches back into the builders of package
// main. The order of the program's packages is written in internal/site's package
// comment.
package operations
