// Command fyneonly loads Fyne's lang alone: the control of withpolicy.
package main

import (
	"fmt"

	"fyne.io/fyne/v2/lang"
)

func main() { fmt.Println(lang.SystemLocale()) }
