package msg

import "testing"

func BenchmarkSign(b *testing.B) {
	_, priv := key(b, rfcSeed)
	m := sample()
	for b.Loop() {
		if _, err := Sign(m, priv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	pub, priv := key(b, rfcSeed)
	sm, _ := Sign(sample(), priv)
	for b.Loop() {
		if err := Verify(sm, pub); err != nil {
			b.Fatal(err)
		}
	}
}
