package sac

import "bytes"

// Undefined values, as SAC writes them into fields that are not set.
const (
	FUndef = -12345.0
	IUndef = -12345
	KUndef = "-12345"
)

// Enumerated values of IFTYPE, IDEP, IZTYPE (SAC manual, "SAC Data File
// Format", enumerated header values).
const (
	ITime  = 1  // IFTYPE: time series
	IRlim  = 2  // IFTYPE: spectral, real and imaginary
	IAmph  = 3  // IFTYPE: spectral, amplitude and phase
	IXY    = 4  // IFTYPE: general x versus y
	IUnkn  = 5  // IDEP: unknown
	IDisp  = 6  // IDEP: displacement in nm
	IVel   = 7  // IDEP: velocity in nm/s
	IAcc   = 8  // IDEP: acceleration in nm/s/s
	IB     = 9  // IZTYPE: reference time is the begin time
	IVolts = 50 // IDEP: velocity in volts
	IXYZ   = 51 // IFTYPE: general x-y-z (3-D) data
)

// Header is the whole SAC header, each field under its SAC name. Floats and
// integers keep the stored value (-12345 when undefined); character fields
// are cleaned as ObsPy does: cut at the first NUL, surrounding blanks
// removed, every byte that is not printable ASCII replaced by '?' (so an
// undefined one reads "-12345"). Logical fields (L*) hold 1 for true, 0 for
// false, as stored. The words SAC marks internal or unused are not kept.
type Header struct {
	DELTA, DEPMIN, DEPMAX, SCALE, ODELTA float32
	B, E, O, A                           float32
	T                                    [10]float32 // T0..T9
	F                                    float32
	RESP                                 [10]float32 // RESP0..RESP9
	STLA, STLO, STEL, STDP               float32
	EVLA, EVLO, EVEL, EVDP, MAG          float32
	USER                                 [10]float32 // USER0..USER9
	DIST, AZ, BAZ, GCARC                 float32
	DEPMEN, CMPAZ, CMPINC                float32
	XMINIMUM, XMAXIMUM                   float32
	YMINIMUM, YMAXIMUM                   float32

	NZYEAR, NZJDAY, NZHOUR, NZMIN, NZSEC, NZMSEC int32
	NVHDR, NORID, NEVID, NPTS                    int32
	NWFID, NXSIZE, NYSIZE                        int32
	IFTYPE, IDEP, IZTYPE, IINST                  int32
	ISTREG, IEVREG, IEVTYP, IQUAL, ISYNTH        int32
	IMAGTYP, IMAGSRC                             int32
	LEVEN, LPSPOL, LOVROK, LCALDA                int32

	KSTNM, KEVNM, KHOLE, KO, KA string
	KT                          [10]string // KT0..KT9
	KF                          string
	KUSER0, KUSER1, KUSER2      string
	KCMPNM, KNETWK, KDATRD      string
	KINST                       string
}

// Byte offsets of header words, for error messages.
const (
	offDELTA  = 0
	offB      = 5 * 4
	offNZYEAR = 70 * 4
	offNVHDR  = (70 + 6) * 4
	offNPTS   = (70 + 9) * 4
	offIFTYPE = (70 + 15) * 4
	offLEVEN  = (70 + 35) * 4
	headerLen = 632
)

// floats lists the 70 float words in file order; nil marks an internal or
// unused word.
func (h *Header) floats() [70]*float32 {
	var p [70]*float32
	copy(p[:], []*float32{&h.DELTA, &h.DEPMIN, &h.DEPMAX, &h.SCALE, &h.ODELTA, &h.B, &h.E, &h.O, &h.A, nil})
	for i := range 10 {
		p[10+i] = &h.T[i]
		p[21+i] = &h.RESP[i]
		p[40+i] = &h.USER[i]
	}
	p[20] = &h.F
	copy(p[31:40], []*float32{&h.STLA, &h.STLO, &h.STEL, &h.STDP, &h.EVLA, &h.EVLO, &h.EVEL, &h.EVDP, &h.MAG})
	copy(p[50:], []*float32{&h.DIST, &h.AZ, &h.BAZ, &h.GCARC, nil, nil, &h.DEPMEN, &h.CMPAZ, &h.CMPINC,
		&h.XMINIMUM, &h.XMAXIMUM, &h.YMINIMUM, &h.YMAXIMUM})
	return p
}

// ints lists the 40 integer, enumerated and logical words in file order.
func (h *Header) ints() [40]*int32 {
	var p [40]*int32
	copy(p[:], []*int32{&h.NZYEAR, &h.NZJDAY, &h.NZHOUR, &h.NZMIN, &h.NZSEC, &h.NZMSEC, &h.NVHDR, &h.NORID,
		&h.NEVID, &h.NPTS, nil, &h.NWFID, &h.NXSIZE, &h.NYSIZE, nil, &h.IFTYPE, &h.IDEP, &h.IZTYPE, nil,
		&h.IINST, &h.ISTREG, &h.IEVREG, &h.IEVTYP, &h.IQUAL, &h.ISYNTH, &h.IMAGTYP, &h.IMAGSRC})
	copy(p[35:], []*int32{&h.LEVEN, &h.LPSPOL, &h.LOVROK, &h.LCALDA, nil})
	return p
}

// strings lists the character fields in file order with their widths in
// bytes (KEVNM is 16, the rest 8; 192 bytes in all).
func (h *Header) strings() ([23]*string, [23]int) {
	var p [23]*string
	var w [23]int
	copy(p[:], []*string{&h.KSTNM, &h.KEVNM, &h.KHOLE, &h.KO, &h.KA})
	for i := range 10 {
		p[5+i] = &h.KT[i]
	}
	copy(p[15:], []*string{&h.KF, &h.KUSER0, &h.KUSER1, &h.KUSER2, &h.KCMPNM, &h.KNETWK, &h.KDATRD, &h.KINST})
	for i := range w {
		w[i] = 8
	}
	w[1] = 16
	return p, w
}

// cleanString turns a stored character field into text as ObsPy's
// _clean_str does (cut at NUL, trim blanks); bytes outside printable ASCII
// become '?', as ObsPy shows them (test_wrong_encoding), so the result is
// always valid UTF-8 and safe in a channel id.
func cleanString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	b = bytes.Trim(b, " \t\n\r\v\f")
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c >= 0x7f {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

// defined returns s, or "" when s is SAC's undefined marker.
func defined(s string) string {
	if s == KUndef {
		return ""
	}
	return s
}
