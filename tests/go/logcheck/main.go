// Command logcheck checks a truceline server's public transparency log with code this project
// did not write: Go's golang.org/x/mod/sumdb/note for the signed checkpoint and
// golang.org/x/mod/sumdb/tlog for the tree, the tiles and the proofs. Only the C2SP details
// that those packages do not know (the checkpoint's origin line, tile paths, entry bundles and
// Ed25519 cosignatures) are written here, each as small as the specification allows.
//
// Usage:
//
//	logcheck -url http://HOST:PORT -vkey VKEY [-witness VKEY]... [-old-checkpoint FILE] [-save-checkpoint FILE]
//
// It prints "ok size=N entries=N" and exits 0, or prints what failed and exits 1.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// C2SP tlog-tiles fixes the tile height at 8: 256 hashes or entries per full tile.
const (
	tileHeight = 8
	tileWidth  = 1 << tileHeight
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	url, vkey, oldCheckpoint, saveCheckpoint string
	witnesses                                stringList
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "the server's base URL (the log is under URL/log/)")
	flag.StringVar(&o.vkey, "vkey", "", "the log's verifier key (name+hexid+base64)")
	flag.Var(&o.witnesses, "witness", "a witness verifier key whose cosignature is required (repeatable)")
	flag.StringVar(&o.oldCheckpoint, "old-checkpoint", "", "a checkpoint saved earlier; the log must extend it")
	flag.StringVar(&o.saveCheckpoint, "save-checkpoint", "", "write the verified checkpoint here")
	flag.Parse()
	if o.url == "" || o.vkey == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	size, entries, err := run(o)
	if err != nil {
		fmt.Println("logcheck: FAILED:", err)
		os.Exit(1)
	}
	fmt.Printf("ok size=%d entries=%d\n", size, entries)
}

func run(o options) (size int64, entries int, err error) {
	verifier, err := note.NewVerifier(o.vkey)
	if err != nil {
		return 0, 0, fmt.Errorf("-vkey: %v", err)
	}
	c := &client{base: strings.TrimRight(o.url, "/"), http: &http.Client{Timeout: 30 * time.Second}}
	raw, err := c.get("/log/checkpoint")
	if err != nil {
		return 0, 0, err
	}
	cp, err := openCheckpoint(raw, verifier)
	if err != nil {
		return 0, 0, fmt.Errorf("checkpoint: %v", err)
	}
	for _, w := range o.witnesses {
		if err := checkWitness(cp.note, w); err != nil {
			return 0, 0, fmt.Errorf("witness %s: %v", w, err)
		}
	}
	if cp.size == 0 {
		return 0, 0, checkEmpty(cp)
	}
	hr := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, newTileReader(c))
	n, err := checkTree(c, cp, hr)
	if err != nil {
		return 0, 0, err
	}
	if o.oldCheckpoint != "" {
		if err := checkOld(c, cp, hr, o.oldCheckpoint, verifier); err != nil {
			return 0, 0, fmt.Errorf("old checkpoint %s: %v", o.oldCheckpoint, err)
		}
	}
	if o.saveCheckpoint != "" {
		if err := os.WriteFile(o.saveCheckpoint, raw, 0o644); err != nil {
			return 0, 0, err
		}
	}
	return cp.size, n, nil
}

// checkTree checks the whole tree under the checkpoint: tiles, every entry and its proof, the
// tree hash, and the server's own inclusion proofs. It returns the number of entries read.
func checkTree(c *client, cp *checkpoint, hr tlog.HashReader) (int, error) {
	th, err := tlog.TreeHash(cp.size, hr)
	if err != nil {
		return 0, fmt.Errorf("tree hash: %v", err)
	}
	if th != cp.root {
		return 0, fmt.Errorf("tree hash %v from the tiles, checkpoint root %v", th, cp.root)
	}
	entries, err := fetchEntries(c, cp.size)
	if err != nil {
		return 0, err
	}
	if err := checkEntries(entries, cp, hr); err != nil {
		return 0, err
	}
	for _, i := range sampleIndexes(cp.size) {
		if err := checkServerInclusion(c, cp, i, entries[i]); err != nil {
			return 0, fmt.Errorf("server inclusion proof of %d in %d: %v", i, cp.size, err)
		}
	}
	return len(entries), nil
}

// --- HTTP ---

type client struct {
	base string
	http *http.Client
}

func (c *client) get(path string) ([]byte, error) {
	res, err := c.http.Get(c.base + path)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %d: %s", path, res.StatusCode, bytes.TrimSpace(body))
	}
	return body, nil
}

// --- Checkpoint ---

type checkpoint struct {
	note   *note.Note
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies the log's signature with Go's note package and parses the C2SP body
// (origin, size, root, then optional extension lines). tlog.ParseTree expects the go.sum
// database's "go.sum database tree" header instead of an origin, so the body is parsed here.
func openCheckpoint(raw []byte, v note.Verifier) (*checkpoint, error) {
	n, err := note.Open(raw, note.VerifierList(v))
	if err != nil {
		return nil, fmt.Errorf("note.Open: %v\n%s", err, raw)
	}
	// Open refuses a note none of whose signatures verifies; the log's must be among them.
	if len(n.Sigs) != 1 || n.Sigs[0].Name != v.Name() || n.Sigs[0].Hash != v.KeyHash() {
		return nil, fmt.Errorf("not signed by %s", v.Name())
	}
	lines := strings.SplitAfter(n.Text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return nil, fmt.Errorf("the body %q is not origin, size and root lines", n.Text)
	}
	cp := &checkpoint{note: n, origin: strings.TrimSuffix(lines[0], "\n")}
	if cp.origin != v.Name() {
		return nil, fmt.Errorf("origin %q is not the key's name %q", cp.origin, v.Name())
	}
	sizeText := strings.TrimSuffix(lines[1], "\n")
	cp.size, err = strconv.ParseInt(sizeText, 10, 64)
	// The size is ASCII decimal without leading zeros: only one text for one size.
	if err != nil || cp.size < 0 || strconv.FormatInt(cp.size, 10) != sizeText {
		return nil, fmt.Errorf("size line %q is not a decimal size", sizeText)
	}
	cp.root, err = decodeHash(strings.TrimSuffix(lines[2], "\n"))
	if err != nil {
		return nil, fmt.Errorf("root line: %v", err)
	}
	return cp, nil
}

func decodeHash(b64 string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("%q is not a base64 SHA-256 hash", b64)
	}
	copy(h[:], b)
	return h, nil
}

// checkEmpty: RFC 6962 defines the empty tree's hash as SHA-256 of nothing, where Go's
// tlog.TreeHash returns all zeros, and TileHashReader cannot read a tree of size 0.
func checkEmpty(cp *checkpoint) error {
	if want := tlog.Hash(sha256.Sum256(nil)); cp.root != want {
		return fmt.Errorf("empty tree's root %v, RFC 6962 has %v", cp.root, want)
	}
	return nil
}

// --- Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519 type 0x04) ---

type witnessKey struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

const cosignatureAlg = 0x04

// parseWitnessKey reads name+hexid+base64(0x04 ‖ key) and checks that the id is the one the
// specification derives: SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[:4].
func parseWitnessKey(vkey string) (witnessKey, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || parts[0] == "" || len(parts[1]) != 8 {
		return witnessKey{}, errors.New("not name+hexid+base64")
	}
	idBytes, err1 := hex.DecodeString(parts[1])
	key, err2 := base64.StdEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(key) != 1+ed25519.PublicKeySize {
		return witnessKey{}, errors.New("not name+hexid+base64 of a 33-byte key")
	}
	if key[0] != cosignatureAlg {
		return witnessKey{}, fmt.Errorf("key type 0x%02x, not 0x04 (Ed25519 cosignature/v1)", key[0])
	}
	w := witnessKey{name: parts[0], id: binary.BigEndian.Uint32(idBytes), pub: ed25519.PublicKey(key[1:])}
	sum := sha256.Sum256(append([]byte(w.name+"\n"), key...))
	if want := binary.BigEndian.Uint32(sum[:4]); w.id != want {
		return witnessKey{}, fmt.Errorf("key id %08x, SHA-256(name, 0x0a, key) gives %08x", w.id, want)
	}
	return w, nil
}

// checkWitness finds the witness's line among the signatures note.Open did not know (it must
// have kept them, not dropped or refused them) and verifies it over the cosignature/v1 message.
func checkWitness(n *note.Note, vkey string) error {
	w, err := parseWitnessKey(vkey)
	if err != nil {
		return err
	}
	found := false
	for _, s := range n.UnverifiedSigs {
		if s.Name != w.name || s.Hash != w.id {
			continue
		}
		found = true
		if err := verifyCosignature(w, n.Text, s.Base64); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("no cosignature line among %d unverified signatures", len(n.UnverifiedSigs))
	}
	return nil
}

// verifyCosignature: the line's bytes are key id ‖ big-endian uint64 time ‖ Ed25519 signature
// over "cosignature/v1\ntime <t>\n" followed by the checkpoint body.
func verifyCosignature(w witnessKey, body, b64 string) error {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 4+8+ed25519.SignatureSize {
		return fmt.Errorf("cosignature is %d bytes, not 4+8+64", len(raw))
	}
	t := binary.BigEndian.Uint64(raw[4:12])
	if t > math.MaxInt64 {
		return fmt.Errorf("cosignature time %d exceeds 2^63-1", t)
	}
	msg := "cosignature/v1\ntime " + strconv.FormatUint(t, 10) + "\n" + body
	if !ed25519.Verify(w.pub, []byte(msg), raw[12:]) {
		return fmt.Errorf("cosignature (time %d) does not verify", t)
	}
	// Verifiers may refuse times in the future; a minute allows for clocks apart.
	if int64(t) > time.Now().Add(time.Minute).Unix() {
		return fmt.Errorf("cosignature time %d is in the future", t)
	}
	return nil
}

// --- Tiles ---

// tileReader serves Go's TileHashReader from the C2SP tile paths. It keeps what it fetched in
// memory only: TileHashReader authenticates the tiles against the tree on every ReadHashes, so
// a kept tile is checked again each time it is used, and a full or partial tile of a given
// width never changes.
type tileReader struct {
	c     *client
	cache map[tlog.Tile][]byte
}

func newTileReader(c *client) *tileReader {
	return &tileReader{c: c, cache: map[tlog.Tile][]byte{}}
}

func (r *tileReader) Height() int { return tileHeight }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if t.H != tileHeight || t.L < 0 {
			return nil, fmt.Errorf("asked for tile %+v, not a hash tile of height 8", t)
		}
		data, ok := r.cache[t]
		if !ok {
			var err error
			if data, err = r.c.get(c2spTilePath(t)); err != nil {
				return nil, err
			}
			if len(data) != t.W*tlog.HashSize {
				return nil, fmt.Errorf("%s is %d bytes, want %d", c2spTilePath(t), len(data), t.W*tlog.HashSize)
			}
			r.cache[t] = data
		}
		out[i] = data
	}
	return out, nil
}

func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// c2spTilePath is /log/tile/<L>/<N>[.p/<W>] with N in 3-digit groups, all but the last
// prefixed by "x"; L -1 is the entry bundles' "entries". (Go's Tile.Path writes
// tile/<H>/<L>/… and "data" for L -1, which C2SP does not use.)
func c2spTilePath(t tlog.Tile) string {
	level := strconv.Itoa(t.L)
	if t.L == -1 {
		level = "entries"
	}
	p := "/log/tile/" + level + "/" + groupedIndex(t.N)
	if t.W != tileWidth {
		p += ".p/" + strconv.Itoa(t.W)
	}
	return p
}

func groupedIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return s
}

// --- Entries ---

// fetchEntries reads every entry bundle of a tree of `size` entries.
func fetchEntries(c *client, size int64) ([][]byte, error) {
	var entries [][]byte
	for n := int64(0); n*tileWidth < size; n++ {
		w := size - n*tileWidth
		if w > tileWidth {
			w = tileWidth
		}
		path := c2spTilePath(tlog.Tile{H: tileHeight, L: -1, N: n, W: int(w)})
		data, err := c.get(path)
		if err != nil {
			return nil, err
		}
		bundle, err := parseBundle(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		// A bundle holds exactly its width of entries.
		if int64(len(bundle)) != w {
			return nil, fmt.Errorf("%s holds %d entries, want %d", path, len(bundle), w)
		}
		entries = append(entries, bundle...)
	}
	return entries, nil
}

// parseBundle splits a C2SP entry bundle: each entry is a big-endian uint16 length and then
// that many bytes, with nothing after the last.
func parseBundle(data []byte) ([][]byte, error) {
	var out [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, fmt.Errorf("a stray byte after entry %d", len(out))
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return nil, fmt.Errorf("entry %d claims %d bytes, %d left", len(out), n, len(data)-2)
		}
		out = append(out, data[2:2+n])
		data = data[2+n:]
	}
	return out, nil
}

// checkEntries: every entry's leaf hash is the one stored in the tiles, and Go's own
// inclusion proof for it, built from the tiles, checks against the checkpoint's root.
//
// The proof is what binds an entry to the signed root. The hashes TileHashReader returns are
// not all authenticated: it checks the full tiles it fetched for the requested indexes against
// their parents starting at position len(stx) of its tile list (stx: the tree-hash indexes),
// while that list holds fewer tiles than stx has indexes whenever two of them share a tile, so
// a changed full level-0 tile can come back without an error (x/mod v0.7.0 and its latest
// tile.go alike). The equality with RecordHash alone would not catch a server that changed an
// entry and its leaf hash together; CheckRecord does.
func checkEntries(entries [][]byte, cp *checkpoint, hr tlog.HashReader) error {
	indexes := make([]int64, len(entries))
	for i := range entries {
		indexes[i] = tlog.StoredHashIndex(0, int64(i))
	}
	stored, err := hr.ReadHashes(indexes)
	if err != nil {
		return fmt.Errorf("reading the leaf hashes: %v", err)
	}
	if len(stored) != len(entries) {
		return fmt.Errorf("read %d leaf hashes for %d entries", len(stored), len(entries))
	}
	for i, e := range entries {
		h := tlog.RecordHash(e)
		if h != stored[i] {
			return fmt.Errorf("entry %d %q hashes to %v, its tile holds %v", i, e, h, stored[i])
		}
		proof, err := tlog.ProveRecord(cp.size, int64(i), hr)
		if err != nil {
			return fmt.Errorf("proving entry %d: %v", i, err)
		}
		if err := tlog.CheckRecord(proof, cp.size, cp.root, int64(i), h); err != nil {
			return fmt.Errorf("entry %d's proof from the tiles: %v", i, err)
		}
	}
	return nil
}

// --- The server's JSON proofs ---

// sampleIndexes: the first and last entries, both sides of the first tile boundaries, and the
// middle: the places where an off-by-one in a proof would show.
func sampleIndexes(size int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, i := range []int64{0, 1, tileWidth - 1, tileWidth, 2*tileWidth + 1, size / 2, size - 2, size - 1} {
		if i >= 0 && i < size && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

func decodeHashes(b64s []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(b64s))
	for i, s := range b64s {
		h, err := decodeHash(s)
		if err != nil {
			return nil, fmt.Errorf("proof[%d]: %v", i, err)
		}
		out[i] = h
	}
	return out, nil
}

func getJSON(c *client, path string, v interface{}) error {
	body, err := c.get(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %v: %s", path, err, body)
	}
	return nil
}

type inclusionJSON struct {
	Index    int64    `json:"index"`
	TreeSize int64    `json:"tree_size"`
	LeafHash string   `json:"leaf_hash"`
	Entry    string   `json:"entry"`
	Proof    []string `json:"proof"`
}

func checkServerInclusion(c *client, cp *checkpoint, i int64, entry []byte) error {
	var r inclusionJSON
	if err := getJSON(c, fmt.Sprintf("/log/proof/inclusion?index=%d&tree_size=%d", i, cp.size), &r); err != nil {
		return err
	}
	if r.Index != i || r.TreeSize != cp.size {
		return fmt.Errorf("answered index %d tree_size %d", r.Index, r.TreeSize)
	}
	if r.Entry != string(entry) {
		return fmt.Errorf("entry %q, the bundle has %q", r.Entry, entry)
	}
	leaf, err := decodeHash(r.LeafHash)
	if err != nil {
		return fmt.Errorf("leaf_hash: %v", err)
	}
	if want := tlog.RecordHash(entry); leaf != want {
		return fmt.Errorf("leaf_hash %v, the entry hashes to %v", leaf, want)
	}
	proof, err := decodeHashes(r.Proof)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(tlog.RecordProof(proof), cp.size, cp.root, i, leaf)
}

// --- Consistency with an earlier checkpoint ---

type consistencyJSON struct {
	First  int64    `json:"first"`
	Second int64    `json:"second"`
	Proof  []string `json:"proof"`
}

// checkOld: the current tree extends the saved one, by Go's proof from the tiles and by the
// server's JSON proof.
func checkOld(c *client, cp *checkpoint, hr tlog.HashReader, path string, v note.Verifier) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	old, err := openCheckpoint(raw, v)
	if err != nil {
		return err
	}
	if old.size > cp.size {
		return fmt.Errorf("size %d, larger than the log's %d now", old.size, cp.size)
	}
	// Go's tree proofs start at size 1; every tree extends the empty one.
	if old.size == 0 {
		return checkEmpty(old)
	}
	proof, err := tlog.ProveTree(cp.size, old.size, hr)
	if err != nil {
		return fmt.Errorf("proving %d extends %d from the tiles: %v", cp.size, old.size, err)
	}
	if err := tlog.CheckTree(proof, cp.size, cp.root, old.size, old.root); err != nil {
		return fmt.Errorf("Go's proof from the tiles that %d extends %d: %v", cp.size, old.size, err)
	}
	var r consistencyJSON
	if err := getJSON(c, fmt.Sprintf("/log/proof/consistency?first=%d&second=%d", old.size, cp.size), &r); err != nil {
		return err
	}
	if r.First != old.size || r.Second != cp.size {
		return fmt.Errorf("server answered first %d second %d", r.First, r.Second)
	}
	hashes, err := decodeHashes(r.Proof)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(tlog.TreeProof(hashes), cp.size, cp.root, old.size, old.root); err != nil {
		return fmt.Errorf("server's consistency proof from %d to %d: %v", old.size, cp.size, err)
	}
	return nil
}
