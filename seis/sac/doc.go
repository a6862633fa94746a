// Package sac reads and writes SAC (Seismic Analysis Code) waveform files:
// binary in either byte order and the alphanumeric (text) form, as defined
// in the SAC manual's "SAC Data File Format" (IRIS/EarthScope,
// https://ds.iris.edu/files/sac-manual/manual/file_format.html), with the
// reading conventions of ObsPy's obspy.io.sac where the manual is silent
// (cleaning of character fields, start time = reference time + B whatever
// IZTYPE says, rounding of the float32 sample interval).
//
// Decode parses bytes the caller has read into a File holding the whole
// header under SAC's field names; File.Trace turns an evenly sampled time
// series into a seis.Trace. Encode writes a seis.Trace as binary SAC. The
// package does no I/O of its own and never panics on any input.
package sac
