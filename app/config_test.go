package main

import (
	"io"
	"testing"
	"time"
)

func TestParseConfigDefaults(t *testing.T) {
	env := map[string]string{"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/0b1c2d3e-1867210395"}

	got, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	want := config{
		host:              "",
		port:              8080,
		metadataURI:       "http://169.254.170.2/v4/0b1c2d3e-1867210395",
		readHeaderTimeout: 5 * time.Second,
		drain:             drainTimings{delay: 5 * time.Second, timeout: 10 * time.Second},
		mtls:              mtlsListener{mode: mtlsOff, port: 443},
	}
	if got != want {
		t.Errorf("config: got %+v, want %+v", got, want)
	}
}

func TestParseConfigOverrides(t *testing.T) {
	env := map[string]string{"PORT": "9000", "LISTEN_HOST": "127.0.0.1", "TASK_IDENTITY": "true", "MTLS_MODE": "passthrough", "MTLS_PORT": "8443"}
	args := []string{"-healthcheck", "-read-header-timeout=250ms", "-drain-delay=0s", "-shutdown-timeout=3s"}

	got, err := parseConfig(args, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	want := config{
		host:              "127.0.0.1",
		port:              9000,
		healthcheck:       true,
		taskIdentity:      true,
		mtls:              mtlsListener{mode: mtlsPassthrough, port: 8443},
		readHeaderTimeout: 250 * time.Millisecond,
		drain:             drainTimings{delay: 0, timeout: 3 * time.Second},
	}
	if got != want {
		t.Errorf("config: got %+v, want %+v", got, want)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"error if PORT is not a number": {
			env:  map[string]string{"PORT": "http"},
			want: `PORT: invalid value "http": must be an integer between 0 and 65535`,
		},
		"error if PORT is out of range": {
			env:  map[string]string{"PORT": "70000"},
			want: `PORT: invalid value "70000": must be an integer between 0 and 65535`,
		},
		"error if TASK_IDENTITY is not a boolean": {
			env:  map[string]string{"TASK_IDENTITY": "yes"},
			want: `TASK_IDENTITY: invalid value "yes": must be true or false`,
		},
		"error if MTLS_MODE is unknown": {
			env:  map[string]string{"MTLS_MODE": "required"},
			want: `MTLS_MODE: invalid value "required": must be verify, passthrough or empty`,
		},
		"error if MTLS_MODE is not lower case": {
			env:  map[string]string{"MTLS_MODE": "Verify"},
			want: `MTLS_MODE: invalid value "Verify": must be verify, passthrough or empty`,
		},
		"error if MTLS_MODE is off": {
			env:  map[string]string{"MTLS_MODE": "off"},
			want: `MTLS_MODE: invalid value "off": must be verify, passthrough or empty`,
		},
		"error if MTLS_PORT is not a number": {
			env:  map[string]string{"MTLS_MODE": "verify", "MTLS_PORT": "https"},
			want: `MTLS_PORT: invalid value "https": must be the HTTPS listener's port, an integer between 1 and 65535`,
		},
		"error if MTLS_PORT is 0": {
			env:  map[string]string{"MTLS_MODE": "verify", "MTLS_PORT": "0"},
			want: `MTLS_PORT: invalid value "0": must be the HTTPS listener's port, an integer between 1 and 65535`,
		},
		"error if read header timeout is 0": {
			args: []string{"-read-header-timeout=0s"},
			want: `-read-header-timeout: invalid value 0s: must be greater than 0`,
		},
		"error if shutdown timeout is 0": {
			args: []string{"-shutdown-timeout=0s"},
			want: `-shutdown-timeout: invalid value 0s: must be greater than 0`,
		},
		"error if arguments follow the flags": {
			args: []string{"-healthcheck", "now"},
			want: `arguments: unexpected ["now"]: the server takes flags only`,
		},
		"error if flag is unknown": {
			args: []string{"-port=80"},
			want: `flag provided but not defined: -port`,
		},
		"every error at once": {
			args: []string{"-drain-delay=-1s", "-shutdown-timeout=-2s"},
			env:  map[string]string{"PORT": "-1", "MTLS_MODE": "x"},
			want: `PORT: invalid value "-1": must be an integer between 0 and 65535` + "\n" +
				`MTLS_MODE: invalid value "x": must be verify, passthrough or empty` + "\n" +
				`-drain-delay: invalid value -1s: must be 0 or more` + "\n" +
				`-shutdown-timeout: invalid value -2s: must be greater than 0`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseConfig(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if err == nil {
				t.Fatalf("error: got nil, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\ngot  %q\nwant %q", err.Error(), tc.want)
			}
		})
	}
}
