package seis

import (
	"fmt"
	"strings"
)

// SourceID names a channel. It is the classic SEED quadruple; FDSN Source
// Identifiers (FDSN:NET_STA_LOC_B_S_SS) convert to and from it when the
// channel code is made of single-character band, source and subsource codes.
type SourceID struct {
	Network, Station, Location, Channel string
}

// String returns the NET.STA.LOC.CHA form used in struna's contracts.
func (id SourceID) String() string {
	return id.Network + "." + id.Station + "." + id.Location + "." + id.Channel
}

// FDSN returns the FDSN Source Identifier, e.g. FDSN:XX_TEST__B_H_Z.
// A three-character channel code is split into band, source and subsource;
// any other channel code is kept whole as the subsource-less form the
// specification allows for extended codes.
func (id SourceID) FDSN() string {
	cha := id.Channel
	if len(cha) == 3 {
		cha = cha[:1] + "_" + cha[1:2] + "_" + cha[2:]
	}
	return "FDSN:" + id.Network + "_" + id.Station + "_" + id.Location + "_" + cha
}

// ParseSourceID accepts either NET.STA.LOC.CHA or an FDSN Source Identifier
// (FDSN:NET_STA_LOC_B_S_SS). An FDSN identifier whose channel part is band,
// source and subsource of one character each maps to a three-character
// channel code, as libmseed does.
func ParseSourceID(s string) (SourceID, error) {
	if rest, ok := strings.CutPrefix(s, "FDSN:"); ok {
		p := strings.Split(rest, "_")
		if len(p) < 4 {
			return SourceID{}, fmt.Errorf("source id %q: FDSN identifier needs NET_STA_LOC_CHAN", s)
		}
		id := SourceID{Network: p[0], Station: p[1], Location: p[2]}
		cha := p[3:]
		if len(cha) == 3 {
			id.Channel = cha[0] + cha[1] + cha[2]
		} else {
			id.Channel = strings.Join(cha, "_")
		}
		return id, nil
	}
	p := strings.Split(s, ".")
	if len(p) != 4 {
		return SourceID{}, fmt.Errorf("source id %q: want NET.STA.LOC.CHA (four dot-separated parts) or FDSN:NET_STA_LOC_B_S_SS", s)
	}
	if p[1] == "" || p[3] == "" {
		return SourceID{}, fmt.Errorf("source id %q: station and channel must not be empty", s)
	}
	return SourceID{Network: p[0], Station: p[1], Location: p[2], Channel: p[3]}, nil
}
