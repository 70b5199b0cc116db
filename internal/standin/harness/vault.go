package harness

// The engine tests' secrets provider: a stand-in for the transit secrets engine of
// HashiCorp Vault, which the CLI reaches through its hashivault:// secrets provider
// (gocloud.dev/secrets/hashivault).
//
// A stack's secrets provider wraps the key its secrets are encrypted with. The default of
// the file backend, a passphrase, derives that key anew in every CLI run with 1,000,000
// rounds of PBKDF2-SHA256 (config.NewSymmetricCrypterFromPassphrase): about 0.2 s of CPU,
// a third of what a preview of the dev stack costs the CLI, in each of the hundreds of
// runs the engine tests make. With a Vault-style provider the CLI instead asks the key
// service to unwrap the key it keeps in the stack file (cloud.NewCloudSecretsManager):
// one local HTTP call. Secrets are handled as before (AES-256-GCM under a random key the
// CLI generates at stack init); only the key's wrapping differs, and for throwaway test
// stacks it needs no protection: the stand-in wraps it in base64.

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
)

// vaultKey is the transit key the stacks' secrets provider names.
const vaultKey = "engine-test"

// serveVault starts the stand-in on 127.0.0.1 until the test ends and returns its
// address, for VAULT_ADDR.
func serveVault(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("stand-in Vault: listening: %v", err)
	}
	mux := http.NewServeMux()
	// The client's Logical().Write is a PUT; Vault takes POST too.
	for _, method := range []string{"PUT", "POST"} {
		mux.HandleFunc(method+" /v1/transit/encrypt/{key}", vaultEncrypt)
		mux.HandleFunc(method+" /v1/transit/decrypt/{key}", vaultDecrypt)
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(lis) }() // returns on Close
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + lis.Addr().String()
}

const vaultPrefix = "vault:v1:"

// vaultEncrypt answers transit/encrypt: plaintext is base64, as Vault takes it.
func vaultEncrypt(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Plaintext string `json:"plaintext"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.PathValue("key") != vaultKey {
		vaultError(w, "bad encrypt request")
		return
	}
	if _, err := base64.StdEncoding.DecodeString(req.Plaintext); err != nil {
		vaultError(w, "plaintext is not base64")
		return
	}
	vaultData(w, map[string]string{"ciphertext": vaultPrefix + req.Plaintext})
}

// vaultDecrypt answers transit/decrypt with what vaultEncrypt wrapped.
func vaultDecrypt(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Ciphertext string `json:"ciphertext"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.PathValue("key") != vaultKey {
		vaultError(w, "bad decrypt request")
		return
	}
	plain, ok := strings.CutPrefix(req.Ciphertext, vaultPrefix)
	if !ok {
		vaultError(w, "ciphertext was not made by this key")
		return
	}
	vaultData(w, map[string]string{"plaintext": plain})
}

func vaultData(w http.ResponseWriter, data map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
}

func vaultError(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []string{msg}})
}
