package flinks

import (
	"bytes"
	"errors"
	"path"
	"strings"
	"unicode/utf8"
)

// Upload API limits of the seed document (shared/seeds/004: "18 MB" a file, "180 MB" an
// upload session, one file per request), read as decimal megabytes so the client never
// sends what a stricter reading would refuse. They apply to the raw file bytes, before
// base64.
const (
	MaxUploadFileSize  = 18_000_000
	MaxUploadTotalSize = 180_000_000
)

// File types accepted by the Upload API (PDF, PNG, JPG/JPEG, TIF/TIFF), as returned by
// DetectFileType.
const (
	FileTypePDF  = "PDF"
	FileTypePNG  = "PNG"
	FileTypeJPEG = "JPEG"
	FileTypeTIFF = "TIFF"
)

// Local upload refusals, returned before anything is sent.
var (
	// ErrFileTooLarge: the file is over MaxUploadFileSize.
	ErrFileTooLarge = errors.New("flinks: file over the 18 MB upload limit")
	// ErrUploadTooLarge: the upload session would exceed MaxUploadTotalSize
	// (also an HTTP 413 from the Upload API).
	ErrUploadTooLarge = errors.New("flinks: upload over the 180 MB limit")
	// ErrUnsupportedFileType: the content is not PDF, PNG, JPEG or TIFF.
	ErrUnsupportedFileType = errors.New("flinks: unsupported file type")
	// ErrFileTypeMismatch: the file name's extension or the declared content
	// type disagrees with the content (e.g. a .pdf that is not a PDF).
	ErrFileTypeMismatch = errors.New("flinks: file name or content type does not match the content")
	// ErrEmptyFile: the file has no bytes.
	ErrEmptyFile = errors.New("flinks: empty file")
)

var fileMagic = []struct {
	typ   string
	magic []byte
}{
	{FileTypePDF, []byte("%PDF-")},
	{FileTypePNG, []byte("\x89PNG\r\n\x1a\n")},
	{FileTypeJPEG, []byte{0xFF, 0xD8, 0xFF}},
	{FileTypeTIFF, []byte("II*\x00")},
	{FileTypeTIFF, []byte("MM\x00*")},
}

// DetectFileType returns the file's type from its first bytes (magic numbers), never from
// its name: FileTypePDF, FileTypePNG, FileTypeJPEG or FileTypeTIFF, or
// ErrUnsupportedFileType (ErrEmptyFile for no bytes).
func DetectFileType(data []byte) (string, error) {
	if len(data) == 0 {
		return "", ErrEmptyFile
	}
	for _, m := range fileMagic {
		if bytes.HasPrefix(data, m.magic) {
			return m.typ, nil
		}
	}
	return "", ErrUnsupportedFileType
}

// FileTypeMIME returns a type's media type, e.g. "application/pdf".
func FileTypeMIME(typ string) string {
	return map[string]string{FileTypePDF: "application/pdf", FileTypePNG: "image/png",
		FileTypeJPEG: "image/jpeg", FileTypeTIFF: "image/tiff"}[typ]
}

var extTypes = map[string]string{".pdf": FileTypePDF, ".png": FileTypePNG, ".jpg": FileTypeJPEG,
	".jpeg": FileTypeJPEG, ".tif": FileTypeTIFF, ".tiff": FileTypeTIFF}

var typeExt = map[string]string{FileTypePDF: ".pdf", FileTypePNG: ".png", FileTypeJPEG: ".jpg", FileTypeTIFF: ".tif"}

// maxFileNameLen bounds the FileName sent upstream.
const maxFileNameLen = 100

// UploadFileName returns the FileName the client sends for a file named name whose
// content has type typ: the base name with anything but letters, digits, '.', '-', '_'
// and spaces replaced, at most 100 bytes, and the type's extension appended when the name
// has no accepted one. A name whose accepted extension contradicts typ is
// ErrFileTypeMismatch.
func UploadFileName(name, typ string) (string, error) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if base == "." || base == "/" {
		base = ""
	}
	var b strings.Builder
	for _, r := range base {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '.' || r == '-' || r == '_' || r == ' '):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	clean := strings.Trim(b.String(), " .")
	ext := strings.ToLower(path.Ext(clean))
	if t, ok := extTypes[ext]; ok {
		if t != typ {
			return "", ErrFileTypeMismatch
		}
	} else {
		ext = typeExt[typ]
		clean += ext
	}
	if stem := strings.TrimSuffix(clean, path.Ext(clean)); stem == "" || strings.Trim(stem, "_") == "" {
		clean = "document" + path.Ext(clean)
	}
	if len(clean) > maxFileNameLen {
		e := path.Ext(clean)
		clean = clean[:maxFileNameLen-len(e)] + e
	}
	return clean, nil
}
