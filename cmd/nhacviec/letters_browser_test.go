package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sct-langson/nhacviec/internal/browsertest"
)

// readmeShot is the screenshot shown in the README (written by -update).
const readmeShot = "0755-head-375"

// TestLetterGoldensInBrowser renders each HTML golden in headless
// Chromium at desktop (1024 px) and phone (375 px) width: nothing scrolls
// sideways and the letter has one salutation. Screenshots go to
// $NHACVIEC_ARTIFACTS (default: a folder in the system's temp dir).
func TestLetterGoldensInBrowser(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "letters", "*.html"))
	if err != nil || len(files) < 4 {
		t.Fatalf("HTML goldens: %v %v", files, err)
	}
	ctx := browsertest.New(t)
	shots := os.Getenv("NHACVIEC_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "nhacviec-artifacts")
	}
	shots = filepath.Join(shots, "letters")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		abs, err := filepath.Abs(file)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(file), ".html")
		for _, width := range []int64{1024, 375} {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate("file://"+abs))
			if err != nil {
				t.Fatal(err)
			}
			scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
			if err != nil {
				t.Fatal(err)
			}
			inner, err := chromedp.Run(ctx, chromedp.Evaluate[int]("window.innerWidth"))
			if err != nil {
				t.Fatal(err)
			}
			if scroll > inner || inner != int(width) {
				t.Errorf("%s at %d px: content %d px wide in a %d px window: scrolls sideways", name, width, scroll, inner)
			}
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.innerText"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(text, "Kính gửi"); n != 1 {
				t.Errorf("%s at %d px shows %d salutations, want 1", name, width, n)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			shot := fmt.Sprintf("%s-%d", name, width)
			if err := os.WriteFile(filepath.Join(shots, shot+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
			if *update && shot == readmeShot {
				if err := os.WriteFile(filepath.Join("..", "..", "docs", shot+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("screenshots in %s", shots)
}
