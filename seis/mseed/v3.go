package mseed

import (
	"encoding/json"
	"hash/crc32"
	"math"

	"github.com/struna/struna/seis"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32c computes the miniSEED 3 CRC of a record: CRC-32C over the whole
// record with the CRC field (bytes 28-31) taken as zero.
func crc32c(rec []byte) uint32 {
	var zero [4]byte
	c := crc32.Update(0, castagnoli, rec[:28])
	c = crc32.Update(c, castagnoli, zero[:])
	return crc32.Update(c, castagnoli, rec[32:])
}

// parseV3 reads a miniSEED 3 record (FDSN miniSEED 3, 2023), following
// libmseed's msr3_unpack_mseed3.
func (d *decoder) parseV3(rec []byte, r *Record) (warns []*problem, p *problem) {
	r.Version = 3
	r.Length = len(rec)
	r.TimingQuality = -1
	r.Flags = rec[3]
	r.Encoding = Encoding(rec[15])
	rate := math.Float64frombits(le64(rec[16:]))
	r.SampleCount = int(le32(rec[24:]))
	r.CRC = le32(rec[28:])
	r.PubVersion = rec[32]
	sidLen := int(rec[33])
	extraLen := int(le16(rec[34:]))
	dataLen := int(le32(rec[36:]))
	sid := rec[40 : 40+sidLen]
	extra := rec[40+sidLen : 40+sidLen+extraLen]
	payload := rec[40+sidLen+extraLen : 40+sidLen+extraLen+dataLen]
	r.DataOffset, r.DataLength = 40+sidLen+extraLen, dataLen

	if !d.opts.SkipCRC {
		if c := crc32c(rec); c != r.CRC {
			return warns, fault("CRC", "header says 0x%08X but the record computes to 0x%08X (corrupt record)", r.CRC, c)
		}
	}
	if string(sid) != d.lastSID3 || d.lastSID3 == "" {
		d.lastSID3 = string(sid)
		id, err := seis.ParseSourceID(d.lastSID3)
		d.lastID3ok = err == nil
		if err != nil {
			id = seis.SourceID{Station: d.lastSID3} // keep the record under the whole string
		}
		d.lastID3 = id
	}
	r.SID, r.ID = d.lastSID3, d.lastID3
	if !d.lastID3ok {
		warns = append(warns, fault("source identifier", "%q is not an FDSN source identifier; used as station code", r.SID))
	}

	start, p := makeTime(int(le16(rec[8:])), int(le16(rec[10:])), int(rec[12]), int(rec[13]), int(rec[14]), int64(le32(rec[4:])))
	if p != nil {
		return warns, p
	}
	r.Start = start
	switch {
	case math.IsNaN(rate) || math.IsInf(rate, 0):
		return warns, fault("sample rate", "%v is not a finite number", rate)
	case rate < 0: // negative: a period in seconds
		rate = -1 / rate
	}
	r.SampleRate = rate
	if extraLen > 0 {
		if json.Valid(extra) {
			r.Extra = append(json.RawMessage(nil), extra...)
		} else {
			warns = append(warns, fault("extra headers", "%d bytes are not valid JSON; dropped", extraLen))
		}
	}
	// Steim frames are big-endian; every other encoding is little-endian
	// like the header.
	r.ByteOrder = LittleEndian
	if r.Encoding == EncSteim1 || r.Encoding == EncSteim2 {
		r.ByteOrder = BigEndian
	}
	if r.SampleCount == 0 || d.opts.HeadersOnly {
		return warns, nil
	}
	if dataLen == 0 {
		return warns, fault("data length", "0, but the header declares %d samples", r.SampleCount)
	}
	_, ws, p := d.unpack(r, payload)
	if p != nil {
		return warns, p
	}
	return append(warns, ws...), nil
}
