// Package phototest makes the pictures the photo tests of store and ui
// feed in: a camera-like JPEG, the EXIF block a phone writes (orientation,
// GPS), a PNG image bomb; and measures what decoding allocates. Only tests
// import it.
package phototest
