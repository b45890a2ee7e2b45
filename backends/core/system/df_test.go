package system

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"

	"github.com/sockerless/sockerless/backends/core/events"
)

type fakeImages struct{}

func (fakeImages) Summaries(context.Context) []image.Summary {
	return []image.Summary{{ID: "sha256:a", Size: 10, SharedSize: -1}}
}

func (fakeImages) DiskUsage(context.Context) []image.Summary {
	return []image.Summary{{ID: "sha256:a", Size: 10, SharedSize: 4}}
}

type fakeVolumes struct{}

func (fakeVolumes) Usage(context.Context) []volume.Volume {
	return []volume.Volume{{Name: "v1", Driver: "local", UsageData: &volume.UsageData{RefCount: 1, Size: 3}}}
}

func TestDiskUsage(t *testing.T) {
	mux := http.NewServeMux()
	Register(mux, Options{Backend: "fake", Containers: fakeContainers{}, Images: fakeImages{}, Volumes: fakeVolumes{}, Events: events.New()})
	tests := []struct {
		name, query          string
		images, volumes      int
		layers               int64
		wantNilImages, noVol bool
	}{
		{"all", "", 1, 1, 10, false, false},
		{"volumes only", "?type=volume", 0, 1, 0, true, false},
		{"images only", "?type=image", 1, 0, 10, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", "/system/df"+tc.query, nil))
			var du diskUsage
			if err := json.NewDecoder(rec.Body).Decode(&du); err != nil {
				t.Fatal(err)
			}
			if len(du.Images) != tc.images || len(du.Volumes) != tc.volumes || du.LayersSize != tc.layers ||
				(du.Images == nil) != tc.wantNilImages || (du.Volumes == nil) != tc.noVol {
				t.Fatalf("df%s = %+v", tc.query, du)
			}
			if tc.images > 0 && du.Images[0].SharedSize != 4 {
				t.Errorf("df reports SharedSize %d, want the disk-usage figure 4", du.Images[0].SharedSize)
			}
			if tc.volumes > 0 && (du.Volumes[0].UsageData == nil || du.Volumes[0].UsageData.RefCount != 1) {
				t.Errorf("volume usage %+v", du.Volumes[0])
			}
		})
	}
}

func TestBuildPrune(t *testing.T) {
	mux := newMux(events.New())
	tests := []struct {
		query  string
		status int
		body   string
	}{
		{"", 200, `{"CachesDeleted":null,"SpaceReclaimed":0}`},
		{"?all=1&filters=%7B%22until%22%3A%5B%2224h%22%5D%7D", 200, `{"CachesDeleted":null,"SpaceReclaimed":0}`},
		{"?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D", 400, `{"message":"failed to prune build cache: Invalid filter 'bogus'"}`},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", "/build/prune"+tc.query, nil))
		if got := rec.Body.String(); rec.Code != tc.status || got != tc.body+"\n" {
			t.Errorf("POST /build/prune%s = %d %s, want %d %s", tc.query, rec.Code, got, tc.status, tc.body)
		}
	}
}
