package auth

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"
)

// HashKeyCommand is `portgate hash-key`: it makes a new key (or, with
// --stdin, reads one) and prints it with its key line. Exit status: 0, or 2
// for bad flags or a bad key.
//
//	portgate hash-key --id ci --scopes porting.read,numbers.read --providers flowroute
func HashKeyCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("portgate hash-key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("id", "", "key id (required): names the caller in logs and scopes its idempotency records")
	scopes := fs.String("scopes", "", "comma-separated scopes (required): "+scopeList())
	provs := fs.String("providers", "", "comma-separated providers the key is limited to; empty = every provider")
	fromStdin := fs.Bool("stdin", false, "hash the key read from standard input instead of making a new one")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *id == "" || *scopes == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "portgate hash-key: --id and --scopes are required")
		fs.Usage()
		return 2
	}
	key := ""
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			fmt.Fprintln(stderr, "portgate hash-key:", err)
			return 2
		}
		key = strings.TrimSpace(line)
	} else {
		key = NewKey()
	}
	hash, err := HashKey(key)
	if err != nil {
		fmt.Fprintln(stderr, "portgate hash-key:", err)
		return 2
	}
	keyLine := *id + ":" + hash + ":" + *scopes + ":" + *provs
	parsed, err := ParseKeys(keyLine)
	if err != nil {
		fmt.Fprintln(stderr, "portgate hash-key:", err)
		return 2
	}
	if !*fromStdin {
		fmt.Fprintf(stdout, "# API key for %s (give it to the caller; portgate stores only the hash below):\n%s\n", *id, key)
	}
	fmt.Fprintf(stdout, "# key line for PORTGATE_API_KEYS_FILE (or PORTGATE_API_KEYS, ';'-separated):\n%s\n", FormatKey(parsed[0]))
	return 0
}
