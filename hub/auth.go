package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/struna/struna/hub/store"
)

// TokenPrefix starts every struna token, so a leaked one is recognisable.
const TokenPrefix = "struna_"

// NewToken returns a fresh bearer token (32 random bytes) and the hash the
// store keeps.
func NewToken() (token string, hash []byte, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token), nil
}

// HashToken is the SHA-256 of a token: tokens are random, so a fast hash
// is enough, and the database never holds a usable secret.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// IssueToken records a new token of org with role and name and returns it;
// it is shown to the caller once and never stored in clear.
func IssueToken(ctx context.Context, st store.Store, a store.Actor, org, role, name string) (string, error) {
	tok, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := st.CreateToken(ctx, a, store.NewToken{Org: org, Role: role, Name: name, Hash: hash}); err != nil {
		return "", err
	}
	return tok, nil
}

// authenticate finds the principal of the request's bearer token, or
// answers 401. The event stream may also take the token as
// ?access_token= (RFC 6750 §2.3), because a browser's EventSource cannot
// send headers; the hub never logs query strings.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (store.Principal, bool) {
	tok := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(rest) == "" {
			return s.unauthorized(w, "Authorization header is not \"Bearer <token>\"")
		}
		tok = strings.TrimSpace(rest)
	} else if r.URL.Path == "/api/v1/events" {
		tok = r.URL.Query().Get("access_token")
	}
	if tok == "" {
		return s.unauthorized(w, "missing bearer token: send Authorization: Bearer <token>")
	}
	hash := HashToken(tok)
	p, err := s.st.TokenByHash(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		return s.unauthorized(w, "unknown token")
	}
	if err != nil {
		s.fail(w, r, err)
		return p, false
	}
	// The lookup is by hash, so timing reveals nothing of the secret;
	// compare anyway, in constant time, so no code path trusts the index.
	if subtle.ConstantTimeCompare(p.Hash, hash) != 1 {
		return s.unauthorized(w, "unknown token")
	}
	return p, true
}

func (s *Server) unauthorized(w http.ResponseWriter, msg string) (store.Principal, bool) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="struna"`)
	writeError(w, http.StatusUnauthorized, msg)
	return store.Principal{}, false
}
