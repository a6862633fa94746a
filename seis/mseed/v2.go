package mseed

import (
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/struna/struna/seis"
)

// parseV2 reads a miniSEED 2 record (SEED 2.4 chapter 8), following
// libmseed's msr3_unpack_mseed2.
func (d *decoder) parseV2(rec []byte, r *Record) (warns []*problem, p *problem) {
	reclen := len(rec)
	if reclen < 48 {
		return nil, fault("record length", "%d bytes cannot hold the 48-byte fixed header", reclen)
	}
	hbo := v2HeaderOrder(rec)
	r.Version = 2
	r.Length = reclen
	r.HeaderByteOrder = hbo
	r.Sequence = string(rec[0:6])
	r.Quality = rec[6]
	r.TimingQuality = -1

	if d.lastSID == "" || string(rec[8:20]) != string(d.lastRaw[:]) {
		net := cleanField(rec[18:20])
		sta := cleanField(rec[8:13])
		loc := cleanField(rec[13:15])
		cha := cleanField(rec[15:18])
		d.lastID = seis.SourceID{Network: net, Station: sta, Location: loc, Channel: cha}
		d.lastSID = v2SID(rec, net, sta, loc)
		copy(d.lastRaw[:], rec[8:20])
	}
	r.ID, r.SID = d.lastID, d.lastSID

	r.SampleCount = int(u16(rec[30:], hbo))
	r.SampleRate = nominalRate(int16(u16(rec[32:], hbo)), int16(u16(rec[34:], hbo)))
	switch r.Quality {
	case 'M':
		r.PubVersion = 4
	case 'Q':
		r.PubVersion = 3
	case 'D':
		r.PubVersion = 2
	case 'R':
		r.PubVersion = 1
	}
	r.ActFlags, r.IOFlags, r.DQFlags = rec[36], rec[37], rec[38]
	if r.ActFlags&0x01 != 0 {
		r.Flags |= 0x01
	}
	if r.IOFlags&0x20 != 0 {
		r.Flags |= 0x04
	}
	if r.DQFlags&0x80 != 0 {
		r.Flags |= 0x02
	}
	r.TimeCorrection = int32(u32(rec[40:], hbo))
	dataOffset := int(u16(rec[44:], hbo))
	r.DataOffset = dataOffset
	if dataOffset > 0 && dataOffset <= reclen {
		r.DataLength = reclen - dataOffset
	}

	// Blockette chain, with libmseed's checks: each blockette must lie in
	// the record and the next one must start after it (which also rules
	// out loops).
	b1000, b1001 := 0, 0
	blkt := int(u16(rec[46:], hbo))
	if blkt >= reclen {
		warns = append(warns, fault("blockette offset", "first blockette at byte %d is beyond the %d-byte record", blkt, reclen))
	}
	for blkt != 0 && blkt < reclen {
		if blkt+4 > reclen {
			warns = append(warns, fault("blockette chain", "blockette header at byte %d extends beyond the %d-byte record", blkt, reclen))
			break
		}
		typ := u16(rec[blkt:], hbo)
		next := int(u16(rec[blkt+2:], hbo))
		blen := blocketteLength(typ, rec[blkt:], hbo)
		if blen == 0 {
			warns = append(warns, fault("blockette chain", "unknown blockette type %d at byte %d; rest of the chain ignored", typ, blkt))
			break
		}
		if blkt+blen > reclen {
			warns = append(warns, fault("blockette chain", "blockette %d at byte %d extends beyond the %d-byte record", typ, blkt, reclen))
			break
		}
		b := rec[blkt:]
		switch typ {
		case 100:
			r.SampleRate = float64(math.Float32frombits(u32(b[4:], hbo)))
		case 1000:
			b1000 = blkt
		case 1001:
			b1001 = blkt
			r.TimingQuality = int(b[4])
		}
		switch {
		case next != 0 && next < blkt+blen:
			warns = append(warns, fault("blockette chain", "offset to next blockette (%d) is within blockette %d ending at byte %d", next, typ, blkt+blen))
			next = 0
		case next > reclen:
			warns = append(warns, fault("blockette chain", "offset to next blockette (%d) from blockette %d is beyond the %d-byte record", next, typ, reclen))
			next = 0
		}
		blkt = next
	}

	r.Encoding = EncSteim1 // libmseed's assumption without blockette 1000
	r.ByteOrder = hbo
	if b1000 != 0 {
		r.Encoding = Encoding(rec[b1000+4])
		if rec[b1000+5] == 0 {
			r.ByteOrder = LittleEndian
		} else {
			r.ByteOrder = BigEndian
		}
	}

	start, p := makeTime(int(u16(rec[20:], hbo)), int(u16(rec[22:], hbo)), int(rec[24]), int(rec[25]), int(rec[26]), int64(u16(rec[28:], hbo))*100000)
	if p != nil {
		return warns, p
	}
	// The time correction counts unless activity flag bit 1 says it is
	// already applied (SEED 2.4, field 12 and 16).
	if r.TimeCorrection != 0 && r.ActFlags&0x02 == 0 {
		start = start.Add(time.Duration(r.TimeCorrection) * 100 * time.Microsecond)
	}
	if b1001 != 0 {
		start = start.Add(time.Duration(int8(rec[b1001+5])) * time.Microsecond)
	}
	r.Start = start
	r.Extra = v2Extra(r)

	if r.SampleCount == 0 || d.opts.HeadersOnly {
		return warns, nil
	}
	if dataOffset < minRecLen || dataOffset >= reclen {
		return warns, fault("data offset", "%d is not inside the %d-byte record", dataOffset, reclen)
	}
	used, ws, p := d.unpack(r, rec[dataOffset:])
	if p != nil {
		return warns, p
	}
	warns = append(warns, ws...)

	// A blockette 1000 record length that runs past the data into another
	// record header would silently swallow that record: trust the header.
	if b1000 != 0 {
		for off := (dataOffset + used + 63) &^ 63; off < reclen; off += 64 {
			if off >= 128 && isV2Header(rec[off:]) {
				warns = append(warns, fault("record length", "blockette 1000 says %d bytes but another record header starts at byte %d of it; record length taken as %d", reclen, off, off))
				r.Length = off
				break
			}
		}
	}
	return warns, nil
}

// blocketteLength is libmseed's ms2_blktlen: the length of known blockette
// types, 0 for unknown ones.
func blocketteLength(typ uint16, b []byte, bo ByteOrder) int {
	switch typ {
	case 100:
		return 12
	case 200, 320, 390:
		return 28
	case 201:
		return 36
	case 300, 310:
		return 32
	case 395, 400:
		return 16
	case 500, 1000, 1001:
		return 8 // 500 is 200 bytes in SEED, but libmseed counts 8

	case 2000:
		if len(b) < 6 {
			return 0
		}
		return int(u16(b[4:], bo))
	}
	return 0
}

// nominalRate is libmseed's ms_nomsamprate: the sample rate from the SEED
// sample rate factor and multiplier (negative values divide).
func nominalRate(factor, mult int16) float64 {
	var r float64
	switch {
	case factor > 0:
		r = float64(factor)
	case factor < 0:
		r = -1 / float64(factor)
	}
	switch {
	case mult > 0:
		r *= float64(mult)
	case mult < 0:
		r = -(r / float64(mult))
	}
	return r
}

// cleanField copies a fixed-width header field as libmseed's ms_strncpclean
// does: up to a NUL or the first invalid UTF-8 sequence, spaces removed.
func cleanField(b []byte) string {
	n := 0
	for n < len(b) && b[n] != 0 {
		r, size := utf8.DecodeRune(b[n:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		n += size
	}
	return strings.ReplaceAll(string(b[:n]), " ", "")
}

// v2SID builds the FDSN source identifier as libmseed's ms2_recordsid does:
// the channel's three bytes become band, source and subsource, and spaces
// are dropped (a blank channel gives FDSN:NET_STA_LOC__).
func v2SID(rec []byte, net, sta, loc string) string {
	cha := []byte{rec[15], '_', rec[16], '_', rec[17]}
	for i, c := range cha {
		if c == 0 {
			cha = cha[:i]
			break
		}
	}
	return "FDSN:" + net + "_" + sta + "_" + loc + "_" + strings.ReplaceAll(string(cha), " ", "")
}

// makeTime validates and converts a record start time, with libmseed's
// ranges (ms_time2nstime): year 1800-5000, second up to 60 (a leap second
// rolls into the next minute).
func makeTime(year, yday, hour, minute, sec int, nsec int64) (time.Time, *problem) {
	switch {
	case year < 1800 || year > 5000:
		return time.Time{}, fault("start time", "year %d is outside 1800..5000", year)
	case yday < 1 || yday > 366 || yday == 366 && !leap(year):
		return time.Time{}, fault("start time", "day of year %d is out of range for %d", yday, year)
	case hour > 23:
		return time.Time{}, fault("start time", "hour %d is out of range", hour)
	case minute > 59:
		return time.Time{}, fault("start time", "minute %d is out of range", minute)
	case sec > 60:
		return time.Time{}, fault("start time", "second %d is out of range", sec)
	case nsec < 0 || nsec > 999999999:
		return time.Time{}, fault("start time", "fraction of second %d ns is out of range", nsec)
	}
	return time.Date(year, 1, yday, hour, minute, sec, int(nsec), time.UTC), nil
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// v2Extra derives libmseed-style extra headers from the flags, time
// correction and blockette 1001 of a miniSEED 2 record.
func v2Extra(r *Record) json.RawMessage {
	if r.ActFlags&0x7c == 0 && r.IOFlags&0x1f == 0 && r.DQFlags&0x7f == 0 && r.TimeCorrection == 0 && r.TimingQuality < 0 {
		return nil
	}
	fdsn := map[string]map[string]any{}
	set := func(group, key string, v any) {
		if fdsn[group] == nil {
			fdsn[group] = map[string]any{}
		}
		fdsn[group][key] = v
	}
	bits := func(flags uint8, group string, names []string) {
		for i, n := range names {
			if n != "" && flags&(1<<i) != 0 {
				set(group, n, true)
			}
		}
	}
	if r.ActFlags&0x04 != 0 {
		set("Event", "Begin", true)
	}
	if r.ActFlags&0x08 != 0 {
		set("Event", "End", true)
	}
	if r.ActFlags&0x40 != 0 {
		set("Event", "InProgress", true)
	}
	if r.ActFlags&0x10 != 0 {
		set("Time", "LeapSecond", 1)
	}
	if r.ActFlags&0x20 != 0 {
		set("Time", "LeapSecond", -1)
	}
	bits(r.IOFlags, "Flags", []string{"StationVolumeParityError", "LongRecordRead", "ShortRecordRead", "StartOfTimeSeries", "EndOfTimeSeries"})
	bits(r.DQFlags, "Flags", []string{"AmplifierSaturation", "DigitizerClipping", "Spikes", "Glitches", "MissingData", "TelemetrySyncError", "FilterCharging"})
	if r.TimeCorrection != 0 {
		set("Time", "Correction", float64(r.TimeCorrection)/10000)
	}
	if r.TimingQuality >= 0 {
		set("Time", "Quality", r.TimingQuality)
	}
	if len(fdsn) == 0 {
		return nil
	}
	b, err := json.Marshal(map[string]any{"FDSN": fdsn})
	if err != nil {
		return nil
	}
	return b
}
