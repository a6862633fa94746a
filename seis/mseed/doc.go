// Package mseed reads and writes miniSEED, the record format of the FDSN for
// seismic time series: miniSEED 2 (SEED Reference Manual v2.4, chapter 8:
// 48-byte fixed section of data header, blockettes 100, 1000 and 1001, data
// appendix for the encodings) and miniSEED 3 (FDSN miniSEED 3 specification,
// 2023: 40-byte little-endian fixed header, FDSN source identifier, JSON extra
// headers, CRC-32C).
//
// Decode parses a whole file already in memory; it does no I/O, keeps going
// past bad records (each one becomes a warning naming the file, record, byte
// offset and field) and only fails when no record at all can be read. Record
// detection, byte-order detection, blockette traversal, record-length
// detection for miniSEED 2 without blockette 1000, the handling of non-data
// (full SEED control headers, noise records) and every sample decoder follow
// the behaviour of libmseed 3.x (EarthScope), against whose output the tests
// check every sample of every reference file. Where libmseed only logs a
// problem and keeps the record (a Steim integration-constant mismatch, a
// broken blockette chain) the record is kept and a warning is returned.
//
// Where this reader departs from libmseed, it is on damaged or unusual
// input: it resumes after a truncated record or a header whose length
// cannot be found (libmseed stops there when the file ends inside its read
// buffer); it refuses a fixed-size encoding whose sample count exceeds the
// payload (libmseed reads past it); a miniSEED 2 header needs a year
// 1900-2100 in one byte order to be recognised, and big-endian wins the rare
// (year 2056) ties, where libmseed's choice depends on the host; a blockette
// 1000 record length that runs into the next record header is cut there;
// little-endian GEOSCOPE 24-bit samples are read in the data byte order
// (libmseed's result depends on the host); and the extra headers derived
// from miniSEED 2 cover the flags, time correction and timing quality, not
// blockettes 200-500.
//
// Encode writes traces as miniSEED 2 (big-endian, blockette 1000 and, when the
// start time needs microseconds, 1001) or miniSEED 3 (CRC-32C, nanosecond
// time), in Steim-1, Steim-2, 16/32-bit integer, 32/64-bit float or text.
// Integer encodings refuse samples that are not integers in range instead of
// rounding them.
package mseed
