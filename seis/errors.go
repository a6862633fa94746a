package seis

import (
	"fmt"
	"strings"
)

// FormatError says what is wrong with an input and where: the file, the
// byte offset of the record (or the line, for text formats), the field, and
// what is wrong. Readers return it for fatal problems and as a warning for a
// bad record that was skipped while good ones were kept.
type FormatError struct {
	File   string // path or name as given by the caller
	Offset int64  // byte offset of the record; -1 when not meaningful
	Line   int    // 1-based line for text formats; 0 when not meaningful
	Record int    // 0-based record index; -1 when not meaningful
	Field  string // header field or column, if one is to blame
	Msg    string // what is wrong
}

func (e *FormatError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	switch {
	case e.Record >= 0 && e.Offset >= 0:
		fmt.Fprintf(&b, "record %d at byte %d: ", e.Record, e.Offset)
	case e.Offset >= 0:
		fmt.Fprintf(&b, "at byte %d: ", e.Offset)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errorf builds a FormatError for a record at a byte offset.
func Errorf(file string, record int, offset int64, field, format string, args ...any) *FormatError {
	return &FormatError{File: file, Offset: offset, Record: record, Field: field, Msg: fmt.Sprintf(format, args...)}
}
