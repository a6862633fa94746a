package sim

import "fmt"

// FieldError says which field of a Config, Building or BuildingSpec is
// wrong and why, e.g. "sensors[3].floor: 12 is above the roof (10
// storeys)". Field is a path in the JSON spelling of the fields.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
