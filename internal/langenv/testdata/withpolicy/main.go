// Command withpolicy loads Fyne's lang after langenv, as the app does.
package main

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	_ "github.com/fieldbench/fieldbench/internal/langenv"
)

func main() { fmt.Println(lang.SystemLocale()) }
