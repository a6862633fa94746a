package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Messages quote "<token>" and the like; JSON needs no HTML escaping.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal error: the answer could not be encoded"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeError answers {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// decodeBody reads one JSON object into dst, strictly: unknown fields,
// wrong types, trailing data and bodies over limit are refused, and the
// answer (400 or 413) names what is wrong. It reports whether dst was
// filled.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, dst any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errTrailing
			var mbe *http.MaxBytesError
			if errors.As(terr, &mbe) {
				err = terr
			}
		}
	}
	if err == nil {
		return true
	}
	status, msg := decodeError(err, dst)
	writeError(w, status, msg)
	return false
}

var errTrailing = errors.New("trailing data")

func decodeError(err error, dst any) (int, string) {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than the limit of %d bytes", mbe.Limit)
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, "empty body: expected a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest, "malformed JSON: the body ends in the middle of a value"
	case errors.Is(err, errTrailing):
		return http.StatusBadRequest, "malformed JSON: the body must hold exactly one JSON object"
	case errors.As(err, &se):
		return http.StatusBadRequest, fmt.Sprintf("malformed JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		if te.Field == "" {
			return http.StatusBadRequest, fmt.Sprintf("the body must be a JSON object, not %s", te.Value)
		}
		return http.StatusBadRequest, fmt.Sprintf("field %q: expected %s, got %s", te.Field, jsonKind(te.Type), te.Value)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return http.StatusBadRequest, fmt.Sprintf("unknown field %s (allowed: %s)", f, strings.Join(jsonFields(dst), ", "))
	}
	return http.StatusBadRequest, "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names a Go type the way a JSON author thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// jsonFields lists the JSON names of a struct's fields.
func jsonFields(dst any) []string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// checkText checks a name-like field: present, at most max characters,
// no control characters, no surrounding space.
func checkText(field, v string, max int, required bool) error {
	if v == "" {
		if required {
			return fmt.Errorf("%s: missing", field)
		}
		return nil
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s: not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Errorf("%s: %d characters, at most %d", field, n, max)
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%s: %q has leading or trailing space", field, v)
	}
	for _, c := range v {
		if unicode.IsControl(c) && !(max > 200 && (c == '\n' || c == '\t')) {
			return fmt.Errorf("%s: control character %U", field, c)
		}
	}
	return nil
}

// checkCode checks an identifier used in URLs (sector, worksite and
// building codes): letters, digits, '.', '_' and '-', at most max.
func checkCode(field, v string, max int) error {
	if v == "" {
		return fmt.Errorf("%s: missing", field)
	}
	if len(v) > max {
		return fmt.Errorf("%s: %d characters, at most %d", field, len(v), max)
	}
	for i, c := range v {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '-' || c == '_' || c == '.'))
		if !ok {
			return fmt.Errorf("%s: %q may hold only letters, digits, '-', '_' and '.' (starting with a letter or digit)", field, v)
		}
	}
	return nil
}

func checkLatLon(prefix string, lat, lon float64) error {
	if !(lat >= -90 && lat <= 90) {
		return fmt.Errorf("%slat: %g is outside -90..90", prefix, lat)
	}
	if !(lon >= -180 && lon <= 180) {
		return fmt.Errorf("%slon: %g is outside -180..180", prefix, lon)
	}
	return nil
}
