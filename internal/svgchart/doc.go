// Package svgchart draws the office console's small charts as SVG, on the
// server, with the standard library only: horizontal bars (one figure per
// technician or store) and columns (a figure per day, one or two series).
//
// The output is a complete <svg> element of the size the caller gives, with
// a viewBox so that it scales down on a phone, role="img", a <title> and a
// <desc> (the caller passes them translated) and every label as escaped
// text. It is deterministic: the same chart gives the same bytes, so pages
// can be compared and cached. Colours come from a small palette whose
// entries differ in lightness, and the target line is dashed, so a chart
// printed or viewed in greyscale reads the same.
package svgchart
