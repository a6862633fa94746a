package msg

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// appendJCSString appends s as a JSON string the way RFC 8785 (JSON
// Canonicalization Scheme, after ECMAScript's JSON.stringify) writes it:
// only the quote, the backslash and control characters are escaped, the
// latter as \b \t \n \f \r or \u00xx in lower-case hex; everything else is
// written as its UTF-8 bytes. s must be valid UTF-8 (Validate checks).
func appendJCSString(b []byte, s string) []byte {
	const hexdig = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexdig[c>>4], hexdig[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// canonString is the canonical JSON of a string value.
func canonString(s string) []byte { return appendJCSString(nil, s) }

// canonStrings is the canonical JSON of a list of strings, in its order.
func canonStrings(ss []string) []byte {
	b := []byte{'['}
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJCSString(b, s)
	}
	return append(b, ']')
}

// canonTime is the canonical JSON of a time: RFC 3339 in UTC with as many
// fraction digits as needed (none for a whole second), as a string.
func canonTime(t time.Time) []byte { return canonString(t.UTC().Format(time.RFC3339Nano)) }

// field is one named value of a signed record, canonically encoded.
type field struct {
	name  string
	value []byte
}

// digest is "sha256:" and the hex SHA-256 of a field's canonical value.
func digest(v []byte) string {
	h := sha256.Sum256(v)
	return "sha256:" + hex.EncodeToString(h[:])
}

// digests maps each field name to its digest.
func digests(fs []field) map[string]string {
	m := make(map[string]string, len(fs))
	for _, f := range fs {
		m[f.name] = digest(f.value)
	}
	return m
}

// payload is the byte string that is signed: the RFC 8785 canonical JSON of
//
//	{"alg":"ed25519","digests":{NAME:DIGEST,...},"key_id":KEYID,"type":TYPE}
//
// with the members (and the digests) in code-point order of their names.
func payload(typ, keyID string, ds map[string]string) []byte {
	b := []byte(`{"alg":"ed25519","digests":{`)
	names := make([]string, 0, len(ds))
	for n := range ds {
		names = append(names, n)
	}
	slices.SortFunc(names, strings.Compare) // names are ASCII: byte order is code-point order
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJCSString(b, n)
		b = append(b, ':')
		b = appendJCSString(b, ds[n])
	}
	b = append(b, `},"key_id":`...)
	b = appendJCSString(b, keyID)
	b = append(b, `,"type":`...)
	b = appendJCSString(b, typ)
	return append(b, '}')
}
