package share

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// TrappedKey is the JSON member name under which struna records carry a
// Trapped value. RedactJSON removes every member of this name.
const TrappedKey = "trapped"

// TrappedKind is the value of properties.kind of a GeoJSON Feature that
// marks where trapped persons are. RedactJSON removes such features.
const TrappedKind = "trapped_person"

// RedactJSON returns doc with everything that locates trapped persons
// removed, for a public viewer:
//
//   - every object member named "trapped", at any depth;
//   - every GeoJSON Feature (an object whose "type" is "Feature") whose
//     properties.kind is "trapped_person", wherever it appears in an array
//     (a FeatureCollection's features or a stream of events); a Feature of
//     that kind that is not in an array is replaced by null.
//
// Member order, numbers, strings (byte for byte) and all other content are
// kept; whitespace between tokens is dropped. It is a safety net for
// documents built elsewhere (the GeoJSON layers, the live stream): the
// typed records already drop trapped persons through Trapped.Public.
// Invalid JSON is an error naming the byte offset; name is the document's
// name for that message. Names and values are compared after JSON
// unescaping, so "\u0074rapped" is "trapped".
func RedactJSON(name string, doc []byte) ([]byte, error) {
	if !json.Valid(doc) {
		return nil, syntaxError(name, doc)
	}
	r := redactor{in: doc, out: make([]byte, 0, len(doc))}
	r.ws()
	mark := len(r.out)
	if r.value().trappedFeature() {
		r.out = append(r.out[:mark], "null"...)
	}
	return r.out, nil
}

// syntaxError locates the first error in an invalid document.
func syntaxError(name string, doc []byte) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var v any
	err := dec.Decode(&v)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s: at byte %d: %v", name, se.Offset, se)
	case err == io.EOF:
		return fmt.Errorf("%s: at byte 0: no JSON value", name)
	case err != nil:
		return fmt.Errorf("%s: at byte %d: %v", name, dec.InputOffset(), err)
	}
	return fmt.Errorf("%s: at byte %d: data after the JSON value", name, dec.InputOffset())
}

// redactor copies a valid JSON document, leaving out what RedactJSON
// removes. Validity was checked first, so it only tracks positions.
type redactor struct {
	in  []byte
	i   int
	out []byte
}

// info is what the caller of value needs to know about the value parsed.
type info struct {
	str         []byte // a string's decoded value (only for short strings)
	isFeature   bool   // an object with "type":"Feature"
	kindTrapped bool   // an object with "kind":"trapped_person"
	propsKind   bool   // an object whose "properties" has "kind":"trapped_person"
}

func (v info) trappedFeature() bool { return v.isFeature && v.propsKind }

func (r *redactor) ws() {
	for r.i < len(r.in) {
		switch r.in[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *redactor) value() info {
	if r.i >= len(r.in) {
		return info{}
	}
	switch r.in[r.i] {
	case '{':
		return r.object()
	case '[':
		r.array()
		return info{}
	case '"':
		return info{str: r.str()}
	default: // number, true, false, null: copy up to the next delimiter
		start := r.i
	scan:
		for r.i < len(r.in) {
			switch r.in[r.i] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				break scan
			}
			r.i++
		}
		r.out = append(r.out, r.in[start:r.i]...)
		return info{}
	}
}

// str copies a string and returns its decoded value when it is short
// enough to be a name struna compares (longer ones return nil). The value
// shares the input's memory when the string has no escape.
func (r *redactor) str() []byte {
	start := r.i
	r.i++ // opening quote
	escaped := false
	for r.i < len(r.in) {
		c := r.in[r.i]
		if c == '\\' {
			escaped = true
			r.i += 2
			continue
		}
		r.i++
		if c == '"' {
			break
		}
	}
	raw := r.in[start:min(r.i, len(r.in))]
	r.out = append(r.out, raw...)
	if len(raw) > 64 || len(raw) < 2 {
		return nil
	}
	if !escaped {
		return raw[1 : len(raw)-1]
	}
	var s string
	_ = json.Unmarshal(raw, &s) // valid JSON string
	return []byte(s)
}

func (r *redactor) object() info {
	var v info
	r.out = append(r.out, '{')
	r.i++
	r.ws()
	n := 0
	for r.i < len(r.in) && r.in[r.i] != '}' {
		mark := len(r.out)
		if n > 0 {
			r.out = append(r.out, ',')
		}
		key := r.str()
		r.ws()
		r.i++ // ':'
		r.out = append(r.out, ':')
		r.ws()
		val := r.value()
		r.ws()
		if r.i < len(r.in) && r.in[r.i] == ',' {
			r.i++
			r.ws()
		}
		switch string(key) {
		case TrappedKey:
			r.out = r.out[:mark] // drop the member
			continue
		case "type":
			v.isFeature = v.isFeature || string(val.str) == "Feature"
		case "kind":
			v.kindTrapped = v.kindTrapped || string(val.str) == TrappedKind
		case "properties":
			v.propsKind = v.propsKind || val.kindTrapped
		}
		n++
	}
	r.i++ // '}'
	r.out = append(r.out, '}')
	return v
}

func (r *redactor) array() {
	r.out = append(r.out, '[')
	r.i++
	r.ws()
	n := 0
	for r.i < len(r.in) && r.in[r.i] != ']' {
		mark := len(r.out)
		if n > 0 {
			r.out = append(r.out, ',')
		}
		v := r.value()
		r.ws()
		if r.i < len(r.in) && r.in[r.i] == ',' {
			r.i++
			r.ws()
		}
		if v.trappedFeature() {
			r.out = r.out[:mark] // drop the element
			continue
		}
		n++
	}
	r.i++ // ']'
	r.out = append(r.out, ']')
}
