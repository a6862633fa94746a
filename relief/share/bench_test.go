package share

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkRedactJSON(b *testing.B) {
	// A 20 000-building layer like the hub's, one in ten with trapped persons.
	var sb strings.Builder
	sb.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 20000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"type":"Feature","id":"B-%d","geometry":{"type":"Point","coordinates":[36.93%04d,37.58%04d]},`+
			`"properties":{"id":"B-%d","name":"Building %d","placard":"red","category":"emergency","confidence":0.8,"last_assessed":"2023-02-07T09:00:00Z"`, i, i, i, i, i)
		if i%10 == 0 {
			sb.WriteString(`,"trapped":{"count":2,"locations":[{"lat":37.5,"lon":36.9}]}`)
		}
		sb.WriteString("}}")
	}
	sb.WriteString("]}")
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := RedactJSON("layer", doc); err != nil {
			b.Fatal(err)
		}
	}
}
