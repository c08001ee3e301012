package ring

import (
	"math/big"
	"testing"
)

func TestRingFingerprint(t *testing.T) {
	hosts := []Host{{ID: "a", Tokens: []*big.Int{big.NewInt(1), big.NewInt(9)}}, {ID: "b", Tokens: []*big.Int{big.NewInt(5)}}}
	r1, _ := New(Murmur3, hosts)
	r2, _ := New(Murmur3, []Host{hosts[1], hosts[0]})
	hosts[1].Tokens = []*big.Int{big.NewInt(6)}
	r3, _ := New(Murmur3, hosts)
	if r1.Fingerprint() != r2.Fingerprint() || r1.Fingerprint() == r3.Fingerprint() {
		t.Error("fingerprint depends on host order or ignores tokens")
	}
}
