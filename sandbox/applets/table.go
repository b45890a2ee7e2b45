package main

import (
	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
	"github.com/sockerless/sockerless/sandbox/applets/internal/fileutils"
	"github.com/sockerless/sockerless/sandbox/applets/internal/grep"
	"github.com/sockerless/sockerless/sandbox/applets/internal/sysutils"
	"github.com/sockerless/sockerless/sandbox/applets/internal/testcmd"
	"github.com/sockerless/sockerless/sandbox/applets/internal/textutils"
)

// entry is one applet: its function and the usage "--help" prints.
type entry struct {
	fn    applet.Func
	usage string
}

// table returns every applet by name. It is built on each call rather than
// at package init, so starting the module costs nothing for it.
func table() map[string]entry {
	t := map[string]entry{
		"[":         {testcmd.Test, "EXPRESSION ]\n\nCheck file types, compare values etc. Return a 0/1 exit code\ndepending on logical value of EXPRESSION"},
		"basename":  {fileutils.Basename, "FILE [SUFFIX]\n\nStrip directory path and .SUFFIX from FILE"},
		"base64":    {textutils.Base64, "[-d] [-w COL] [FILE]\n\nBase64 encode or decode FILE to standard output\n\t-d\tDecode data\n\t-w COL\tWrap lines at COL (default 76, 0 disables)"},
		"cat":       {fileutils.Cat, "[-nbvteA] [FILE]...\n\nPrint FILEs to stdout\n\t-n\tNumber output lines\n\t-b\tNumber nonempty lines\n\t-v\tShow nonprinting characters as ^x or M-x\n\t-t\t...and tabs as ^I\n\t-e\t...and end lines with $\n\t-A\tSame as -vte"},
		"cmp":       {textutils.Cmp, "[-ls] FILE1 [FILE2]\n\nCompare FILE1 with FILE2 (or stdin)\n\t-l\tWrite the byte numbers (decimal) and values (octal)\n\t\tfor all differing bytes\n\t-s\tQuiet"},
		"cp":        {fileutils.Cp, "[-arPLHpfinlsTu] SOURCE... DEST\n\nCopy SOURCEs to DEST\n\t-a\tSame as -dpR\n\t-R,-r\tRecurse\n\t-d,-P\tPreserve symlinks (default if -R)\n\t-L\tFollow all symlinks\n\t-p\tPreserve file attributes if possible\n\t-f\tOverwrite\n\t-n\tDon't overwrite\n\t-u\tCopy only newer files\n\t-v\tVerbose\n\t-T\tRefuse to copy if DEST is a directory\n\t-t DIR\tCopy all SOURCEs into DIR"},
		"cut":       {textutils.Cut, "[OPTIONS] [FILE]...\n\nPrint selected fields from FILEs to stdout\n\t-b LIST\tOutput only bytes from LIST\n\t-c LIST\tOutput only characters from LIST\n\t-d SEP\tField delimiter for input (default -f TAB, -F run of whitespace)\n\t-O SEP\tField delimeter for output\n\t-s\tOutput only lines containing delimiter\n\t-f LIST\tPrint only these fields"},
		"date":      {sysutils.Date, "[OPTIONS] [+FMT]\n\nDisplay time (using +FMT)\n\t-u\tWork in UTC (don't convert to local time)\n\t-R\tOutput RFC-2822 date\n\t-I[SPEC]\tOutput ISO-8601 date (SPEC: date, hours, minutes, seconds)\n\t-d TIME\tDisplay TIME, not 'now'\n\t-r FILE\tDisplay last modification time of FILE"},
		"dirname":   {fileutils.Dirname, "FILENAME\n\nStrip non-directory suffix from FILENAME"},
		"du":        {fileutils.Du, "[-aHLdclsxhmk] [FILE]...\n\nSummarize disk space used for FILEs (or directories)\n\t-a\tShow file sizes too\n\t-L\tFollow all symlinks\n\t-H\tFollow symlinks on command line\n\t-d N\tLimit output to directories (and files with -a) of depth < N\n\t-c\tShow grand total\n\t-s\tShow total for each argument\n\t-h\tSizes in human readable format (e.g., 1K 243M 2G)\n\t-m\tSizes in megabytes\n\t-k\tSizes in kilobytes (default)"},
		"echo":      {textutils.Echo, "[-neE] [ARG]...\n\nPrint the specified ARGs to stdout\n\t-n\tNo trailing newline\n\t-e\tInterpret backslash escapes (i.e., \\t=tab)\n\t-E\tDon't interpret backslash escapes (default)"},
		"egrep":     {grep.Grep, "[OPTIONS] PATTERN [FILE]...\n\nSame as grep -E"},
		"env":       {sysutils.Env, "[-i0] [-u NAME]... [NAME=VALUE]... [PROG ARGS]\n\nPrint current environment or run PROG after setting up environment\n\t-, -i\tStart with empty environment\n\t-0\tNUL terminated output\n\t-u NAME\tRemove variable from environment"},
		"false":     {sysutils.False, "\n\nReturn an exit code of FALSE (1)"},
		"fgrep":     {grep.Grep, "[OPTIONS] PATTERN [FILE]...\n\nSame as grep -F"},
		"grep":      {grep.Grep, "[-HhnlLoqvsrRiwFExczm:A:B:C:] [-e PTRN]... [-f FILE]... [FILE]...\n\nSearch for PATTERN in FILEs (or stdin)\n\t-H\tAdd 'filename:' prefix\n\t-h\tDo not add 'filename:' prefix\n\t-n\tAdd 'line_no:' prefix\n\t-l\tShow only names of files that match\n\t-L\tShow only names of files that don't match\n\t-c\tShow only count of matching lines\n\t-o\tShow only the matching part of line\n\t-q\tQuiet. Return 0 if PATTERN is found, 1 otherwise\n\t-v\tSelect non-matching lines\n\t-s\tSuppress open and read errors\n\t-r\tRecurse\n\t-R\tRecurse and dereference symlinks\n\t-i\tIgnore case\n\t-w\tMatch whole words only\n\t-x\tMatch whole lines only\n\t-F\tPATTERN is a literal (not regexp)\n\t-E\tPATTERN is an extended regexp\n\t-m N\tMatch up to N times per file\n\t-A N\tPrint N lines of trailing context\n\t-B N\tPrint N lines of leading context\n\t-C N\tSame as '-A N -B N'\n\t-e PTRN\tPattern to match\n\t-f FILE\tRead pattern from file"},
		"groups":    {sysutils.Groups, "\n\nPrint the group memberships of the current user"},
		"head":      {textutils.Head, "[OPTIONS] [FILE]...\n\nPrint first 10 lines of FILEs (or stdin) to stdout.\n\t-n N[kbm]\tPrint first N lines\n\t-n -N[kbm]\tPrint all except N last lines\n\t-c [-]N[kbm]\tPrint first N bytes\n\t-q\tNever print headers\n\t-v\tAlways print headers"},
		"hostname":  {sysutils.Hostname, "[-sfd]\n\nShow the container's host name\n\t-s\tShort name\n\t-f\tFully qualified name\n\t-d\tDomain name"},
		"id":        {sysutils.Id, "[-ugGnr]\n\nPrint information about the current user\n\t-u\tUser ID\n\t-g\tGroup ID\n\t-G\tSupplementary group IDs\n\t-n\tPrint names instead of numbers\n\t-r\tPrint real ID instead of effective ID"},
		"ln":        {fileutils.Ln, "[-sfnbvT] TARGET... LINK|DIR\n\nCreate a link LINK or DIR/TARGET to the specified TARGET(s)\n\t-s\tMake symlinks instead of hardlinks\n\t-f\tRemove existing destinations\n\t-n\tDon't dereference symlinks - treat like normal file\n\t-v\tVerbose\n\t-T\tTreat LINK as a file, not DIR"},
		"ls":        {fileutils.Ls, "[-1aAlRdrtSFphnicu] [FILE]...\n\nList directory contents\n\t-1\tOne column output\n\t-a\tInclude names starting with .\n\t-A\tLike -a, but exclude . and ..\n\t-l\tLong format\n\t-n\tList numeric UIDs and GIDs instead of names\n\t-R\tRecurse\n\t-d\tList directory names, not contents\n\t-r\tReverse sort order\n\t-t\tSort by mtime\n\t-S\tSort by size\n\t-F\tAppend indicator (one of */=@|) to names\n\t-p\tAppend / to directory names\n\t-h\tHuman readable sizes (1K 243M 2G)\n\t-i\tList inode numbers"},
		"md5sum":    {textutils.Sum(textutils.Hashes()["md5sum"]), "[-c[sw]] [FILE]...\n\nPrint or check MD5 checksums\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines"},
		"mkdir":     {fileutils.Mkdir, "[-m MODE] [-p] DIRECTORY...\n\nCreate DIRECTORY\n\t-m MODE\tMode\n\t-p\tNo error if exists; make parent directories as needed\n\t-v\tVerbose"},
		"mktemp":    {fileutils.Mktemp, "[-dt] [-p DIR] [TEMPLATE]\n\nCreate a temporary file with name based on TEMPLATE and print its name.\nTEMPLATE must end with XXXXXX (e.g. [/dir/]nameXXXXXX).\nWithout TEMPLATE, -t tmp.XXXXXX is assumed.\n\t-d\tMake directory, not file\n\t-q\tFail silently on errors\n\t-t\tPrepend base directory name to TEMPLATE\n\t-p DIR\tUse DIR as a base directory (implies -t)\n\t-u\tDo not create anything; print a name"},
		"mv":        {fileutils.Mv, "[-finT] SOURCE DEST\nor: mv [-fin] SOURCE... DIRECTORY\n\nRename SOURCE to DEST, or move SOURCEs to DIRECTORY\n\t-f\tDon't prompt before overwriting\n\t-n\tDon't overwrite an existing file\n\t-T\tRefuse to move if DEST is a directory\n\t-t DIR\tMove all SOURCEs into DIR\n\t-v\tVerbose"},
		"nproc":     {sysutils.Nproc, "\n\nPrint number of available CPUs"},
		"printenv":  {sysutils.Printenv, "[VARIABLE]...\n\nPrint environment VARIABLEs.\nIf no VARIABLE specified, print all."},
		"printf":    {textutils.Printf, "FORMAT [ARG]...\n\nFormat and print ARG(s) according to FORMAT (a-la C printf)"},
		"ps":        {sysutils.Ps, "[-o COL1,COL2=HEADER]\n\nShow list of processes (from the sandbox's /proc)\n\t-o COL1,COL2=HEADER\tSelect columns for display (pid ppid uid user comm args)"},
		"pwd":       {fileutils.Pwd, "\n\nPrint the full filename of the current working directory"},
		"readlink":  {fileutils.Readlink, "[-fnv] FILE\n\nDisplay the value of a symlink\n\t-f\tCanonicalize by following all symlinks\n\t-n\tDon't add newline\n\t-v\tVerbose"},
		"realpath":  {fileutils.Realpath, "FILE...\n\nReturn the absolute pathnames of given FILE"},
		"rm":        {fileutils.Rm, "[-irf] FILE...\n\nRemove (unlink) FILEs\n\t-i\tAlways prompt before removing\n\t-f\tNever prompt\n\t-R,-r\tRecurse\n\t-d\tRemove empty directories\n\t-v\tVerbose"},
		"rmdir":     {fileutils.Rmdir, "[-p] DIRECTORY...\n\nRemove DIRECTORY if it is empty\n\t-p\tInclude parents\n\t--ignore-fail-on-non-empty"},
		"seq":       {textutils.Seq, "[-w] [-s SEP] [FIRST [INC]] LAST\n\nPrint numbers from FIRST to LAST, in steps of INC.\nFIRST, INC default to 1.\n\t-w\tPad to last with leading zeros\n\t-s SEP\tString separator"},
		"sha1sum":   {textutils.Sum(textutils.Hashes()["sha1sum"]), "[-c[sw]] [FILE]...\n\nPrint or check SHA1 checksums\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines"},
		"sha256sum": {textutils.Sum(textutils.Hashes()["sha256sum"]), "[-c[sw]] [FILE]...\n\nPrint or check SHA256 checksums\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines"},
		"sha512sum": {textutils.Sum(textutils.Hashes()["sha512sum"]), "[-c[sw]] [FILE]...\n\nPrint or check SHA512 checksums\n\t-c\tCheck sums against list in FILEs\n\t-s\tDon't output anything, status code shows success\n\t-w\tWarn about improperly formatted checksum lines"},
		"sleep":     {sysutils.Sleep, "[N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays"},
		"sort":      {textutils.Sort, "[-nrugMcszbdfiokt] [-o FILE] [-k START[.OFS][OPTS][,END[.OFS][OPTS]] [-t CHAR] [FILE]...\n\nSort lines of text\n\t-o FILE\tOutput to FILE\n\t-c\tCheck whether input is sorted\n\t-b\tIgnore leading blanks\n\t-f\tIgnore case\n\t-d\tDictionary order (blank or alphanumeric only)\n\t-n\tSort numbers\n\t-g\tGeneral numerical sort\n\t-h\tSort human readable numbers (2K 1G)\n\t-M\tSort month\n\t-V\tSort version\n\t-t CHAR\tField separator\n\t-k N[,M] Sort by Nth field\n\t-r\tReverse sort order\n\t-s\tStable (don't sort ties alphabetically)\n\t-u\tSuppress duplicate lines\n\t-z\tLines are terminated by NUL, not newline"},
		"stat":      {fileutils.Stat, "[-lt] [-c FMT] FILE...\n\nDisplay file status\n\t-c FMT\tUse the specified format\n\t-L\tFollow links"},
		"tail":      {textutils.Tail, "[OPTIONS] [FILE]...\n\nPrint last 10 lines of FILEs (or stdin) to stdout.\nWith more than one FILE, precede each with a filename header.\n\t-f\tPrint data as file grows\n\t-s SECONDS\tWait SECONDS between reads with -f\n\t-n N[kbm]\tPrint last N lines\n\t-n +N[kbm]\tStart on Nth line and print the rest\n\t-c [+]N[kbm]\tPrint last N bytes\n\t-q\tNever print headers\n\t-v\tAlways print headers"},
		"tee":       {textutils.Tee, "[-ai] [FILE]...\n\nCopy stdin to each FILE, and also to stdout\n\t-a\tAppend to the given FILEs, don't overwrite\n\t-i\tIgnore interrupt signals (SIGINT)"},
		"test":      {testcmd.Test, "EXPRESSION ]\n\nCheck file types, compare values etc. Return a 0/1 exit code\ndepending on logical value of EXPRESSION"},
		"touch":     {fileutils.Touch, "[-c] [-d DATE] [-t DATE] [-r FILE] FILE...\n\nUpdate the last-modified date on the given FILE[s]\n\t-c\tDon't create files\n\t-h\tDon't follow links\n\t-d DT\tDate/time to use\n\t-t DT\tDate/time to use\n\t-r FILE\tUse FILE's date/time"},
		"tr":        {textutils.Tr, "[-cds] STRING1 [STRING2]\n\nTranslate, squeeze, or delete characters from stdin, writing to stdout\n\t-c\tTake complement of STRING1\n\t-d\tDelete input characters coded STRING1\n\t-s\tSqueeze multiple output characters of STRING2 into one character"},
		"true":      {sysutils.True, "\n\nReturn an exit code of TRUE (0)"},
		"uname":     {sysutils.Uname, "[-amnrspvio]\n\nPrint system information\n\t-a\tPrint all\n\t-m\tMachine (hardware) type\n\t-n\tHostname\n\t-r\tKernel release\n\t-s\tKernel name (default)\n\t-p\tProcessor type\n\t-v\tKernel version\n\t-i\tHardware platform\n\t-o\tOS name"},
		"uniq":      {textutils.Uniq, "[-cdui] [-f,s,w N] [INPUT [OUTPUT]]\n\nDiscard duplicate lines\n\t-c\tPrefix lines by the number of occurrences\n\t-d\tOnly print duplicate lines\n\t-u\tOnly print unique lines\n\t-i\tIgnore case\n\t-f N\tSkip first N fields\n\t-s N\tSkip first N chars (after any skipped fields)\n\t-w N\tCompare N characters in line"},
		"wc":        {textutils.Wc, "[-cmlwL] [FILE]...\n\nCount lines, words, and bytes for FILEs (or stdin)\n\t-c\tCount bytes\n\t-m\tCount characters\n\t-l\tCount newlines\n\t-w\tCount words\n\t-L\tPrint longest line length"},
		"whoami":    {sysutils.Whoami, "\n\nPrint the user name associated with the current effective user id"},
		"yes":       {textutils.Yes, "[STRING]\n\nRepeatedly output a line with STRING, or 'y'"},
	}
	return t
}
