package fonts

import (
	"bytes"
	"testing"
)

func TestFontsAreTrueType(t *testing.T) {
	for name, b := range map[string][]byte{"cjk": CJK(), "regular": Regular(), "bold": Bold()} {
		if len(b) < 1000 || !bytes.Equal(b[:4], []byte{0, 1, 0, 0}) {
			t.Errorf("%s is not a TrueType font (%d bytes, starts %x)", name, len(b), b[:min(4, len(b))])
		}
	}
}

func TestFaceOf(t *testing.T) {
	for _, c := range []struct {
		r    rune
		want Face
	}{
		{'A', FaceLatin}, {'é', FaceLatin}, {'ç', FaceLatin}, {'€', FaceLatin}, {'1', FaceLatin}, {' ', FaceLatin},
		{'电', FaceCJK}, {'池', FaceCJK}, {'，', FaceCJK}, {'。', FaceCJK}, {'（', FaceCJK}, {'¥', FaceLatin}, {'ñ', FaceLatin}, {'ã', FaceLatin}, {'・', FaceCJK},
	} {
		if got := FaceOf(c.r); got != c.want {
			t.Errorf("FaceOf(%q) = %d, want %d", c.r, got, c.want)
		}
	}
}
