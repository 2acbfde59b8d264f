package ui

// SizeText is a size in bytes as the sync page writes it.
func SizeText(n int) string { return sizeText(n) }
