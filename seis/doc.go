// Package seis holds struna's model of sensor records: a channel's source
// identifier (FDSN Source Identifiers, FDSN 2023, in the legacy NET.STA.LOC.CHA
// form), a Trace of uniformly sampled values, and the merge of many record-sized
// traces into continuous channels with their gaps and overlaps.
//
// Readers of each format live in sub-packages (mseed, sac, csvrec); they decode
// bytes that the caller has already read and do no I/O of their own, so the
// same code serves files, HTTP uploads and fuzzing.
//
// Times are time.Time in UTC with nanosecond precision; sample values are
// float64 whatever the encoding (every 32-bit integer and float32 is exact in
// float64).
package seis
