package engine

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/containerd/errdefs"
)

// validName is dockerd's restricted container name pattern.
var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// newID returns a random 64-hex container or exec ID.
func newID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// checkName validates a requested name and returns it with its slash.
func checkName(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name))
	}
	return "/" + strings.TrimPrefix(name, "/"), nil
}

// reserveName claims name (with slash) for id; e.mu must be held.
func (e *Engine) reserveName(name, id string) error {
	if owner, ok := e.names[name]; ok && owner != id {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", name, owner))
	}
	e.names[name] = id
	return nil
}

// generateName picks a free adjective_surname name as dockerd does,
// appending a digit after collisions; e.mu must be held.
func (e *Engine) generateName() string {
	for i := 0; ; i++ {
		name := "/" + adjectives[randInt(len(adjectives))] + "_" + surnames[randInt(len(surnames))]
		if name == "/boring_wozniak" { // Steve Wozniak is not boring, as dockerd says
			continue
		}
		if i > 10 {
			name += fmt.Sprint(randInt(10))
		}
		if _, taken := e.names[name]; !taken {
			return name
		}
	}
}

func randInt(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}

var adjectives = strings.Fields(`admiring adoring affectionate agitated amazing angry awesome beautiful
blissful bold boring brave busy charming clever compassionate competent condescending confident cool
cranky crazy dazzling determined distracted dreamy eager ecstatic elastic elated elegant eloquent epic
exciting fervent festive flamboyant focused friendly frosty funny gallant gifted goofy gracious great
happy hardcore heuristic hopeful hungry infallible inspiring intelligent interesting jolly jovial keen
kind laughing loving lucid magical modest musing mystifying naughty nervous nice nifty nostalgic
objective optimistic peaceful pedantic pensive practical priceless quirky quizzical recursing relaxed
reverent romantic sad serene sharp silly sleepy stoic strange stupefied suspicious sweet tender
thirsty trusting unruffled upbeat vibrant vigilant vigorous wizardly wonderful xenodochial youthful
zealous zen`)

var surnames = strings.Fields(`agnesi albattani allen almeida antonelli archimedes ardinghelli aryabhata
austin babbage banach banzai bardeen bartik bassi beaver bell benz bhabha bhaskara black blackburn
blackwell bohr booth borg bose bouman boyd brahmagupta brattain brown buck burnell cannon carson
cartwright carver cerf chandrasekhar chaplygin chatelet chatterjee chaum chebyshev clarke cohen colden
cori cray curie curran darwin davinci dewdney dhawan diffie dijkstra dirac driscoll dubinsky easley
edison einstein elbakyan elgamal elion ellis engelbart euclid euler faraday feistel fermat fermi
feynman franklin gagarin galileo galois ganguly gates gauss germain goldberg goldstine goldwasser
golick goodall gould greider grothendieck haibt hamilton haslett hawking heisenberg hellman hermann
herschel hertz heyrovsky hodgkin hofstadter hoover hopper hugle hypatia ishizaka jackson jang jemison
jennings jepsen johnson joliot jones kalam kapitsa kare keldysh keller kepler khayyam khorana kilby
kirch knuth kowalevski lalande lamarr lamport leakey leavitt lederberg lehmann lewin lichterman
liskov lovelace lumiere mahavira margulis matsumoto maxwell mayer mccarthy mcclintock mclaren mclean
mcnulty meitner mendel mendeleev meninsky merkle mestorf mirzakhani montalcini moore morse moser
murdock napier nash neumann newton nightingale nobel noether northcutt noyce panini pare pascal
pasteur payne perlman pike poincare poitras proskuriakova ptolemy raman ramanujan rhodes ride
ritchie robinson roentgen rosalind rubin saha sammet sanderson satoshi shamir shannon shaw shirley
shockley shtern sinoussi snyder solomon spence stonebraker sutherland swanson swartz swirles taussig
tesla tharp thompson torvalds tu turing varahamihira vaughan villani visvesvaraya volhard wescoff
wilbur wiles williams williamson wilson wing wozniak wright wu yalow yonath zhukovsky`)

// errInvalidArg classifies malformed parameters.
var errInvalidArg = errdefs.ErrInvalidArgument
