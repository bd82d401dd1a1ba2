package suite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"github.com/hardnesslab/hardness/internal/fileio"
)

// Provenance is the metadata every file the tool writes carries, the same
// fields as a manifest [Entry]: the seed, the tool version, the exact
// command, SHA-256 of the inputs and of the arrays written, and the
// convention of the arrays. `hardness run --save` puts it in report.json
// and `hardness gen qkv` writes it as meta.json next to the arrays.
type Provenance struct {
	Seed       uint64            `json:"seed"`
	Version    string            `json:"tool_version"`
	Command    string            `json:"command"`
	Inputs     map[string]string `json:"input_sha256,omitempty"`
	SHA256     map[string]string `json:"sha256,omitempty"`
	Convention Convention        `json:"convention"`
}

// PaperConvention is the convention of arrays written for exp(Q·Kᵀ/d):
// logit scale d, float64, layout [n, d].
var PaperConvention = Convention{LogitScale: "d", DType: "float64", Layout: "nd"}

// HashFile returns the hex SHA-256 of the file at path. Cost: one read.
func HashFile(path string) (string, error) { return HashFileContext(context.Background(), path) }

// HashFileContext is [HashFile] that stops reading when ctx ends (a large
// array hashed after an interrupt would delay the exit by its read time).
func HashFileContext(ctx context.Context, path string) (string, error) {
	f, err := fileio.OpenContext(ctx, path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashBytes returns the hex SHA-256 of b.
func HashBytes(b []byte) string { return sha256Hex(b) }
