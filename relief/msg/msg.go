// Package msg carries the official communications of a relief operation:
// notes, condolences and formal requests between organisations, each signed
// by the sending organisation's Ed25519 key so that any recipient can verify
// who sent it and that nothing in it changed, and delivered and read
// receipts, each signed by the recipient organisation.
//
// # What is signed
//
// A message is signed field by field. Each field (id, incident, from, to,
// kind, subject, body, created, reply_to, visibility) is encoded as a JSON
// value in the canonical form of RFC 8785 (JSON Canonicalization Scheme):
// strings with minimal escaping, the list of recipients as an array in the
// order given, the creation time as an RFC 3339 string in UTC with only the
// fraction digits needed. Each encoding is hashed with SHA-256, and the
// signature (Ed25519, RFC 8032, as crypto/ed25519 implements it) is made
// over the canonical JSON of
//
//	{"alg":"ed25519","digests":{"body":"sha256:…",…},"key_id":"ed25519:…","type":"struna.message.v1"}
//
// The signed message carries the digests, the key id and the signature
// next to the message. Verify checks the key id, then the signature over
// the digests, then each field against its digest — so an altered field is
// named in the error, and an altered digest, key id or signature fails the
// signature. The digests are a convenience for that diagnosis: they add no
// trust of their own, everything rests on the signature.
//
// A receipt is signed the same way with type "struna.receipt.v1" and binds
// the message by the SHA-256 of the message's signed payload (Digest).
//
// A key id is "ed25519:" followed by the first 16 bytes of the SHA-256 of
// the 32-byte public key, in lower-case hex.
//
// The package does no I/O; keys are generated and stored by the caller
// (ed25519.GenerateKey with crypto/rand.Reader).
package msg

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"github.com/struna/struna/relief"
	"slices"
	"strings"
	"time"

	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/seis"
)

// Kind is what a message is.
type Kind string

// Message kinds.
const (
	Note          Kind = "note"
	Condolence    Kind = "condolence"
	FormalRequest Kind = "formal_request"
	Other         Kind = "other"
)

// Limits on a message.
const (
	MaxSubject    = 300
	MaxBody       = 64 << 10
	MaxRecipients = 200
	maxID         = 128
)

// Signed-record types, the "type" member of the signed payload.
const (
	MessageType = "struna.message.v1"
	ReceiptType = "struna.receipt.v1"
)

// Message is an official message from one organisation to others.
type Message struct {
	ID         string           `json:"id"`
	Incident   string           `json:"incident,omitempty"`
	From       string           `json:"from"`
	To         []string         `json:"to"`
	Kind       Kind             `json:"kind"`
	Subject    string           `json:"subject"`
	Body       string           `json:"body"`
	Created    time.Time        `json:"created"`
	ReplyTo    string           `json:"reply_to,omitempty"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (m Message) Access() (string, share.Visibility) { return m.From, m.Visibility }

// fields lists m's fields in their canonical encoding. Adding a field
// means a new MessageType version.
func (m Message) fields() []field {
	return []field{
		{"id", canonString(m.ID)},
		{"incident", canonString(m.Incident)},
		{"from", canonString(m.From)},
		{"to", canonStrings(m.To)},
		{"kind", canonString(string(m.Kind))},
		{"subject", canonString(m.Subject)},
		{"body", canonString(m.Body)},
		{"created", canonTime(m.Created)},
		{"reply_to", canonString(m.ReplyTo)},
		{"visibility", canonString(string(m.Visibility))},
	}
}

func fieldErr(rec, field, format string, args ...any) error {
	return &seis.FormatError{File: rec, Offset: -1, Record: -1, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Validate checks m: identifiers, recipients (at least one, no repeats,
// not the sender), kind, subject, body, creation time, visibility.
func (m Message) Validate() error {
	rec := "message " + m.ID
	if m.ID == "" {
		rec = "message (no id)"
	}
	ids := []struct{ field, v string }{{"id", m.ID}, {"from", m.From}}
	if m.Incident != "" {
		ids = append(ids, struct{ field, v string }{"incident", m.Incident})
	}
	if m.ReplyTo != "" {
		ids = append(ids, struct{ field, v string }{"reply_to", m.ReplyTo})
	}
	for _, f := range ids {
		if e := relief.CheckID(f.v); e != "" {
			return fieldErr(rec, f.field, "%s", e)
		}
	}
	if len(m.To) == 0 || len(m.To) > MaxRecipients {
		return fieldErr(rec, "to", "%d recipients; 1 to %d", len(m.To), MaxRecipients)
	}
	for i, to := range m.To {
		f := fmt.Sprintf("to[%d]", i)
		if e := relief.CheckID(to); e != "" {
			return fieldErr(rec, f, "%s", e)
		}
		if to == m.From {
			return fieldErr(rec, f, "%s is the sender", to)
		}
		if slices.Contains(m.To[:i], to) {
			return fieldErr(rec, f, "%s is listed twice", to)
		}
	}
	switch m.Kind {
	case Note, Condolence, FormalRequest, Other:
	default:
		return fieldErr(rec, "kind", "%q is not note, condolence, formal_request or other", m.Kind)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return fieldErr(rec, "subject", "is empty")
	}
	if e := relief.CheckText(m.Subject, MaxSubject); e != "" {
		return fieldErr(rec, "subject", "%s", e)
	}
	if e := relief.CheckText(m.Body, MaxBody); e != "" {
		return fieldErr(rec, "body", "%s", e)
	}
	if m.Created.IsZero() {
		return fieldErr(rec, "created", "is missing")
	}
	if y := m.Created.UTC().Year(); y < 1 || y > 9999 {
		return fieldErr(rec, "created", "year %d is out of range", y)
	}
	if !m.Visibility.Valid() {
		return fieldErr(rec, "visibility", "%q is not public, parties or org", m.Visibility)
	}
	return nil
}

// KeyID is the id of an Ed25519 public key: "ed25519:" and the first 16
// bytes of its SHA-256 in hex.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(h[:16])
}

// SignedMessage is a message with its signature. It round-trips through
// encoding/json and still verifies.
type SignedMessage struct {
	Message   Message           `json:"message"`
	KeyID     string            `json:"key_id"`
	Digests   map[string]string `json:"digests"`
	Signature string            `json:"signature"` // standard base64 of the 64-byte Ed25519 signature
}

func sign(typ string, fs []field, priv ed25519.PrivateKey) (keyID string, ds map[string]string, sig string, err error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", nil, "", fmt.Errorf("msg: private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	pub, _ := priv.Public().(ed25519.PublicKey)
	keyID = KeyID(pub)
	ds = digests(fs)
	s := ed25519.Sign(priv, payload(typ, keyID, ds))
	return keyID, ds, base64.StdEncoding.EncodeToString(s), nil
}

// Sign signs m with the sending organisation's private key. It fails if m
// is invalid or the key is not an Ed25519 private key.
func Sign(m Message, priv ed25519.PrivateKey) (SignedMessage, error) {
	if err := m.Validate(); err != nil {
		return SignedMessage{}, err
	}
	m.To = slices.Clone(m.To)
	keyID, ds, sig, err := sign(MessageType, m.fields(), priv)
	if err != nil {
		return SignedMessage{}, err
	}
	return SignedMessage{Message: m, KeyID: keyID, Digests: ds, Signature: sig}, nil
}

// verify checks a signed record; rec names it in errors.
func verify(rec, typ string, fs []field, keyID string, ds map[string]string, sig string, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%s: verifying key is %d bytes, want %d", rec, len(pub), ed25519.PublicKeySize)
	}
	if want := KeyID(pub); keyID != want {
		return fieldErr(rec, "key_id", "signed with key %q, not with the verifying key %q", keyID, want)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return fieldErr(rec, "signature", "is not the base64 of a %d-byte Ed25519 signature", ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, payload(typ, keyID, ds), raw) {
		return fieldErr(rec, "signature", "does not verify: the signature or the signed digests were altered")
	}
	for _, f := range fs {
		d, ok := ds[f.name]
		if !ok {
			return fieldErr(rec, f.name, "was not signed")
		}
		if d != digest(f.value) {
			return fieldErr(rec, f.name, "was altered after signing")
		}
	}
	if len(ds) != len(fs) {
		return fieldErr(rec, "digests", "%d signed fields, this version has %d", len(ds), len(fs))
	}
	return nil
}

// Verify checks that sm was signed with the private key of pub and that
// no field changed since. The error names what failed: key_id (another
// key signed it), signature (malformed, or the signature, the key id or the
// digests were altered), or the altered field ("subject: was altered after
// signing"). Verify does not judge the message's content; a recipient that
// also wants it well formed calls sm.Message.Validate.
func Verify(sm SignedMessage, pub ed25519.PublicKey) error {
	return verify("message "+sm.Message.ID, MessageType, sm.Message.fields(), sm.KeyID, sm.Digests, sm.Signature, pub)
}

// Keys maps each organisation to its public keys (current and retired),
// as the hub registers them.
type Keys map[string][]ed25519.PublicKey

// Verify checks sm against the keys of its sender, sm.Message.From, with
// the key its key id names.
func (k Keys) Verify(sm SignedMessage) error {
	for _, pub := range k[sm.Message.From] {
		if KeyID(pub) == sm.KeyID {
			return Verify(sm, pub)
		}
	}
	return fieldErr("message "+sm.Message.ID, "key_id", "%q is not a key of %q", sm.KeyID, sm.Message.From)
}

// Digest identifies a signed message for receipts: the SHA-256 of its
// signed payload, as "sha256:…". Two signed messages with the same digest
// have the same content, key and digests.
func Digest(sm SignedMessage) string {
	return digest(payload(MessageType, sm.KeyID, digests(sm.Message.fields())))
}

// ReceiptKind is what a receipt acknowledges.
type ReceiptKind string

// Receipt kinds.
const (
	Delivered ReceiptKind = "delivered" // the recipient's system has the message
	Read      ReceiptKind = "read"      // a person of the recipient opened it
)

// Receipt acknowledges a message on behalf of a recipient organisation.
type Receipt struct {
	MessageID     string      `json:"message_id"`
	MessageDigest string      `json:"message_digest"` // Digest of the signed message
	Kind          ReceiptKind `json:"kind"`
	By            string      `json:"by"` // recipient organisation
	At            time.Time   `json:"at"`
}

func (r Receipt) fields() []field {
	return []field{
		{"message_id", canonString(r.MessageID)},
		{"message_digest", canonString(r.MessageDigest)},
		{"kind", canonString(string(r.Kind))},
		{"by", canonString(r.By)},
		{"at", canonTime(r.At)},
	}
}

// SignedReceipt is a receipt with the recipient's signature.
type SignedReceipt struct {
	Receipt   Receipt           `json:"receipt"`
	KeyID     string            `json:"key_id"`
	Digests   map[string]string `json:"digests"`
	Signature string            `json:"signature"`
}

// NewReceipt makes the receipt of kind by recipient org by for sm at time at.
// It fails if by is not a recipient of sm or at is before sm was created.
func NewReceipt(sm SignedMessage, kind ReceiptKind, by string, at time.Time) (Receipt, error) {
	r := Receipt{MessageID: sm.Message.ID, MessageDigest: Digest(sm), Kind: kind, By: by, At: at}
	return r, r.check(sm)
}

func (r Receipt) check(sm SignedMessage) error {
	rec := "receipt of " + r.MessageID
	switch {
	case r.Kind != Delivered && r.Kind != Read:
		return fieldErr(rec, "kind", "%q is not delivered or read", r.Kind)
	case r.MessageID != sm.Message.ID:
		return fieldErr(rec, "message_id", "%q is not message %q", r.MessageID, sm.Message.ID)
	case r.MessageDigest != Digest(sm):
		return fieldErr(rec, "message_digest", "is not the digest of message %s as signed", sm.Message.ID)
	case !slices.Contains(sm.Message.To, r.By):
		return fieldErr(rec, "by", "%q is not a recipient of message %s", r.By, sm.Message.ID)
	case r.At.IsZero() || r.At.Before(sm.Message.Created):
		return fieldErr(rec, "at", "%s is before message %s was created", r.At.UTC().Format(time.RFC3339), sm.Message.ID)
	}
	return nil
}

// SignReceipt signs r with the recipient organisation's private key.
func SignReceipt(r Receipt, priv ed25519.PrivateKey) (SignedReceipt, error) {
	if e := relief.CheckID(r.By); e != "" {
		return SignedReceipt{}, fieldErr("receipt of "+r.MessageID, "by", "%s", e)
	}
	if r.Kind != Delivered && r.Kind != Read {
		return SignedReceipt{}, fieldErr("receipt of "+r.MessageID, "kind", "%q is not delivered or read", r.Kind)
	}
	keyID, ds, sig, err := sign(ReceiptType, r.fields(), priv)
	if err != nil {
		return SignedReceipt{}, err
	}
	return SignedReceipt{Receipt: r, KeyID: keyID, Digests: ds, Signature: sig}, nil
}

// VerifyReceipt checks that sr was signed with pub (the key of the
// recipient organisation sr.Receipt.By, as the caller knows it) and that it
// acknowledges sm exactly as signed, by one of its recipients, after its
// creation.
func VerifyReceipt(sr SignedReceipt, sm SignedMessage, pub ed25519.PublicKey) error {
	if err := verify("receipt of "+sr.Receipt.MessageID, ReceiptType, sr.Receipt.fields(), sr.KeyID, sr.Digests, sr.Signature, pub); err != nil {
		return err
	}
	return sr.Receipt.check(sm)
}
