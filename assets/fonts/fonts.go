package fonts

import (
	_ "embed"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

//go:embed DroidSansFallbackFull.ttf
var cjk []byte

// CJK returns Droid Sans Fallback, a TrueType font of Chinese, Japanese and
// Korean characters and their punctuation. The bytes are shared: do not
// modify them.
func CJK() []byte { return cjk }

// Regular returns Go Regular, the font of Latin text.
func Regular() []byte { return goregular.TTF }

// Bold returns Go Bold.
func Bold() []byte { return gobold.TTF }

// Face names a font of this package.
type Face int

const (
	FaceLatin Face = iota // Go Regular or Go Bold
	FaceCJK               // Droid Sans Fallback
)

var (
	parseOnce   sync.Once
	latin, han  *sfnt.Font
	lookupMu    sync.Mutex
	lookupBuf   sfnt.Buffer
	faceOfCache = map[rune]Face{}
)

// FaceOf returns the font a character is set in: Go's when it has the
// character, else Droid Sans Fallback's when that has it (Chinese,
// Japanese, Korean and their full-width punctuation), else Go's, whose
// missing-character box then shows what is lost.
func FaceOf(r rune) Face {
	parseOnce.Do(func() {
		var err error
		if latin, err = sfnt.Parse(Regular()); err != nil {
			panic("fonts: Go Regular does not parse: " + err.Error())
		}
		if han, err = sfnt.Parse(CJK()); err != nil {
			panic("fonts: Droid Sans Fallback does not parse: " + err.Error())
		}
	})
	lookupMu.Lock()
	defer lookupMu.Unlock()
	if f, ok := faceOfCache[r]; ok {
		return f
	}
	f := FaceLatin
	if !has(latin, r) && has(han, r) {
		f = FaceCJK
	}
	// The cache holds at most the characters of the documents written, a
	// few thousand in Chinese; it is bounded to keep a stream of odd input
	// from growing it.
	if len(faceOfCache) < 1<<16 {
		faceOfCache[r] = f
	}
	return f
}

func has(f *sfnt.Font, r rune) bool {
	i, err := f.GlyphIndex(&lookupBuf, r)
	return err == nil && i != 0
}
