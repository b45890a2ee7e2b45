package main

import (
	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/fileutils"
	"github.com/sockerless/sockerless/sandbox/applets/internal/sysutils"
	"github.com/sockerless/sockerless/sandbox/applets/internal/textutils"
)

// entry is one applet: its function and the usage line "--help" prints.
type entry struct {
	fn    applet.Func
	usage string
}

// table returns every applet by name. It is built on each call rather than
// at package init, so starting the module costs nothing for it.
func table() map[string]entry {
	return map[string]entry{
		"cat":   {fileutils.Cat, "[-nbvteA] [FILE]...\n\n\t-n\tNumber output lines\n\t-b\tNumber nonempty lines\n\t-v\tShow nonprinting characters as ^x or M-x\n\t-t\t...and tabs as ^I\n\t-e\t...and end lines with $\n\t-A\tSame as -vte"},
		"echo":  {textutils.Echo, "[-neE] [ARG]...\n\n\t-n\tNo trailing newline\n\t-e\tInterpret backslash escapes\n\t-E\tDon't interpret backslash escapes"},
		"false": {sysutils.False, "\n\nReturn an exit code of FALSE (1)"},
		"ls":    {fileutils.Ls, "[-1aAlRdrtSFphnicu] [FILE]...\n\n\t-1\tOne column output\n\t-a\tInclude names starting with .\n\t-A\tLike -a, but exclude . and ..\n\t-l\tLong format\n\t-n\tList numeric UIDs and GIDs\n\t-R\tRecurse\n\t-d\tList directory names, not contents\n\t-r\tReverse sort order\n\t-t\tSort by mtime\n\t-S\tSort by size\n\t-F\tAppend indicator (one of */=@|) to names\n\t-p\tAppend / to directory names\n\t-h\tHuman readable sizes (1K 243M 2G)\n\t-i\tList inode numbers"},
		"seq":   {textutils.Seq, "[-w] [-s SEP] [FIRST [INC]] LAST\n\n\t-w\tPad to last with leading zeros\n\t-s SEP\tString separator"},
		"sleep": {sysutils.Sleep, "[N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays"},
		"true":  {sysutils.True, "\n\nReturn an exit code of TRUE (0)"},
	}
}
