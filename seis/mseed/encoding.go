package mseed

import "strconv"

// Encoding is a miniSEED data encoding code (SEED manual appendix, FDSN
// miniSEED 3 table of encodings).
type Encoding int

// Encoding codes. Only those with a decoder here can be unpacked; any other
// code is still reported in record headers.
const (
	EncText        Encoding = 0  // text, UTF-8 / ASCII
	EncInt16       Encoding = 1  // 16-bit integers
	EncInt24       Encoding = 2  // 24-bit integers (not decoded, as in libmseed)
	EncInt32       Encoding = 3  // 32-bit integers
	EncFloat32     Encoding = 4  // IEEE 754 binary32
	EncFloat64     Encoding = 5  // IEEE 754 binary64
	EncSteim1      Encoding = 10 // Steim-1 differences
	EncSteim2      Encoding = 11 // Steim-2 differences
	EncGeoscope24  Encoding = 12 // GEOSCOPE multiplexed 24-bit integer
	EncGeoscope163 Encoding = 13 // GEOSCOPE 16-bit gain ranged, 3-bit exponent
	EncGeoscope164 Encoding = 14 // GEOSCOPE 16-bit gain ranged, 4-bit exponent
	EncCDSN        Encoding = 16 // CDSN 16-bit gain ranged
	EncSRO         Encoding = 30 // SRO gain ranged
	EncDWWSSN      Encoding = 32 // DWWSSN 16-bit integers
)

// String returns the encoding's name as libmseed prints it (ms_encodingstr).
func (e Encoding) String() string {
	switch e {
	case 0:
		return "Text"
	case 1:
		return "16-bit integer"
	case 2:
		return "24-bit integer"
	case 3:
		return "32-bit integer"
	case 4:
		return "32-bit float (IEEE single)"
	case 5:
		return "64-bit float (IEEE double)"
	case 10:
		return "STEIM-1 integer compression"
	case 11:
		return "STEIM-2 integer compression"
	case 12:
		return "GEOSCOPE Muxed 24-bit integer"
	case 13:
		return "GEOSCOPE Muxed 16/3-bit gain/exp"
	case 14:
		return "GEOSCOPE Muxed 16/4-bit gain/exp"
	case 15:
		return "US National Network compression"
	case 16:
		return "CDSN 16-bit gain ranged"
	case 17:
		return "Graefenberg 16-bit gain ranged"
	case 18:
		return "IPG - Strasbourg 16-bit gain"
	case 19:
		return "STEIM-3 integer compression"
	case 30:
		return "SRO gain ranged"
	case 31:
		return "HGLP"
	case 32:
		return "DWWSSN"
	case 33:
		return "RSTN 16-bit gain ranged"
	}
	return "unknown encoding " + strconv.Itoa(int(e))
}

// sampleSize returns the bytes per sample of a fixed-size encoding, 0 for
// Steim (variable) and -1 for encodings that cannot be decoded.
func (e Encoding) sampleSize() int {
	switch e {
	case EncText:
		return 1
	case EncInt16, EncGeoscope163, EncGeoscope164, EncCDSN, EncSRO, EncDWWSSN:
		return 2
	case EncGeoscope24:
		return 3
	case EncInt32, EncFloat32:
		return 4
	case EncFloat64:
		return 8
	case EncSteim1, EncSteim2:
		return 0
	}
	return -1
}

// ByteOrder of a record's header or data.
type ByteOrder uint8

// Byte orders.
const (
	BigEndian ByteOrder = iota
	LittleEndian
)

func (b ByteOrder) String() string {
	if b == LittleEndian {
		return "little-endian"
	}
	return "big-endian"
}
