#pragma once
// The agent↔daemon wire protocol: message types, limits and payloads.
// The written specification is protocols/gui-wire.md; this header and it
// change together.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace bulkhead::wire {

constexpr uint16_t version_major = 1;
constexpr uint16_t version_minor = 1; // 1.1: set-fullscreen, demands-attention, disposables' apps and files

constexpr std::size_t header_size = 12;

// The limits, as named constants (protocols/gui-wire.md, "Limits"). `Limits`
// below starts from these; tests and the hostile-agent suite shrink some.
namespace limit {
constexpr uint32_t payload_bytes = 128 * 1024;   // after the header, any message (a keymap fits)
constexpr std::size_t message_bytes = header_size + payload_bytes; // except clipboard-data and -set:
constexpr uint32_t window_width = 16384;         // as Qubes
constexpr uint32_t window_height = 6144;
constexpr uint32_t windows = 512;                // live windows per domain
constexpr uint32_t title_bytes = 1024;           // before and after cleaning
constexpr uint32_t app_id_bytes = 256;
constexpr uint32_t damage_rects = 64;            // per attach; more is a bounding box
constexpr uint32_t popup_depth = 16;             // popup of popup of ...
constexpr int32_t popup_offset = 16384;          // |x|, |y| of a popup against its parent
constexpr uint32_t stride_padding = 4096;        // stride - width * 4, at most
constexpr uint32_t clipboard_bytes = 4u << 20;   // one clipboard transfer, one message (the largest per-domain limit)
constexpr uint32_t keymap_bytes = 128 * 1024;    // one keymap, one message
// clipboard-data and clipboard-set alone may carry up to clipboard_payload_bytes.
constexpr uint32_t clipboard_payload_bytes = 4 + clipboard_bytes;
constexpr uint32_t file_name_bytes = 255;
constexpr uint32_t file_chunk_bytes = 64 * 1024; // one open-file-chunk
constexpr uint64_t file_bytes = 256ull << 20;    // one whole file
constexpr uint32_t output_dimension = 16384;     // host output width and height
constexpr uint32_t output_scale = 8;
constexpr uint32_t command_bytes = 4096;       // one launch command line
constexpr uint32_t result_text_bytes = 1024;   // the reason in an open-result
} // namespace limit

// Explicit limits. The daemon enforces them on everything a guest sends; the
// agent enforces the host-to-guest ones on what the daemon sends.
struct Limits {
	uint32_t max_payload = limit::payload_bytes;
	uint32_t max_window_width = limit::window_width;
	uint32_t max_window_height = limit::window_height;
	uint32_t max_windows = limit::windows;
	uint32_t max_title_bytes = limit::title_bytes;
	uint32_t max_app_id_bytes = limit::app_id_bytes;
	uint32_t max_damage_rects = limit::damage_rects;
	uint32_t max_popup_depth = limit::popup_depth;
	int32_t max_popup_offset = limit::popup_offset;
	uint32_t max_stride_padding = limit::stride_padding;
	uint32_t max_clipboard_bytes = limit::clipboard_bytes;
	uint32_t max_keymap_bytes = limit::keymap_bytes;
	uint32_t max_file_name_bytes = limit::file_name_bytes;
	uint32_t max_file_chunk_bytes = limit::file_chunk_bytes;
	uint64_t max_file_bytes = limit::file_bytes;
	uint32_t max_output_dimension = limit::output_dimension;
	uint32_t max_output_scale = limit::output_scale;
	uint32_t max_command_bytes = limit::command_bytes;
};

enum class Type : uint16_t {
	// guest (agent) -> host (daemon)
	Hello = 1,
	CreateWindow = 2,
	DestroyWindow = 3,
	Map = 4,
	Unmap = 5,
	SetTitle = 6,
	SetAppId = 7,
	SizeHints = 8,
	Attach = 9,
	SetCursor = 10,
	ClipboardData = 11,
	Pong = 12,
	AckConfigure = 13,
	OpenFileBegin = 14,
	OpenFileChunk = 15,
	OpenFileEnd = 16,
	SetFullscreen = 17, // since 1.1
	DemandsAttention = 18, // since 1.1
	// 1.1
	AppExited = 20,
	ReturnFileBegin = 21,
	// host (daemon) -> guest (agent)
	Welcome = 64,
	BufferRelease = 65,
	FrameDone = 66,
	Configure = 67,
	Close = 68,
	Keymap = 69,
	KeyboardEnter = 70,
	KeyboardLeave = 71,
	Key = 72,
	Modifiers = 73,
	PointerEnter = 74,
	PointerLeave = 75,
	PointerMotion = 76,
	PointerButton = 77,
	PointerAxis = 78,
	ClipboardRequest = 79,
	ClipboardSet = 80,
	Ping = 81,
	Output = 82,
	// 1.1
	Launch = 83,
	FileBegin = 84,
	FileChunk = 85,
	FileEnd = 86,
	OpenResult = 87,
};

const char *type_name(uint16_t type);

// DRM fourcc codes of the two formats that cross the wire.
constexpr uint32_t format_argb8888 = 0x34325241; // 'AR24'
constexpr uint32_t format_xrgb8888 = 0x34325258; // 'XR24'

// The fixed cursor list (same values as bulkhead_domain_manager_v1.cursor_shape).
enum class Cursor : uint32_t {
	Default, Text, Pointer, Move, Wait, Progress, Crosshair, NotAllowed, Grab, Grabbing,
	ResizeN, ResizeS, ResizeE, ResizeW, ResizeNE, ResizeNW, ResizeSE, ResizeSW, ResizeEW, ResizeNS,
	Hidden,
};
constexpr uint32_t cursor_count = 21;
static_assert(static_cast<uint32_t>(Cursor::Hidden) + 1 == cursor_count);

// Configure flags.
constexpr uint32_t configure_activated = 1, configure_maximized = 2, configure_fullscreen = 4,
		   configure_resizing = 8;
constexpr uint32_t configure_known_flags = 15;

// file-begin flags: open it with the guest's handler (then app-exited), send
// it back with return-file-begin when the handler exits and the file changed,
// or it is the edited copy of the guest's own open-file request `request`.
constexpr uint32_t file_open = 1, file_return = 2, file_returned = 4;
constexpr uint32_t file_known_flags = 7;

// open-result statuses.
enum class OpenStatus : uint32_t { Started = 0, Refused = 1, Finished = 2, Failed = 3 };
constexpr uint32_t open_status_count = 4;

// Key and button states, pointer axes.
constexpr uint32_t state_released = 0, state_pressed = 1;
constexpr uint32_t axis_vertical = 0, axis_horizontal = 1;

struct Rect {
	int32_t x = 0, y = 0, width = 0, height = 0;
	bool operator==(const Rect &) const = default;
};

// Guest -> host payloads. After validation every field below is checked.
// region_size: the size of the shared region as the agent sees it (the ivshmem
// BAR), or 0 when it learns it from the welcome (local transport).
struct Hello { uint16_t major = version_major, minor = version_minor; uint64_t region_size = 0; };
struct CreateWindow { uint32_t window = 0, parent = 0; int32_t x = 0, y = 0; };
struct DestroyWindow { uint32_t window = 0; };
struct Map { uint32_t window = 0; };
struct Unmap { uint32_t window = 0; };
struct SetTitle { uint32_t window = 0; std::string title; };
struct SetAppId { uint32_t window = 0; std::string app_id; };
struct SizeHints { uint32_t window = 0, min_width = 0, min_height = 0, max_width = 0, max_height = 0; };
struct Attach {
	uint32_t window = 0;
	uint64_t offset = 0;
	uint32_t width = 0, height = 0, stride = 0, format = format_argb8888;
	std::vector<Rect> damage;
};
struct SetCursor { uint32_t window = 0; uint32_t shape = 0; };
struct ClipboardData { uint32_t serial = 0; std::string data; };
struct Pong { uint32_t serial = 0; };
struct AckConfigure { uint32_t window = 0, serial = 0; };
struct OpenFileBegin { uint64_t size = 0; std::string name; };
struct OpenFileChunk { std::string data; };
struct OpenFileEnd {};
// The guest app asks for (1) or leaves (0) full screen; the host decides.
struct SetFullscreen { uint32_t window = 0; uint32_t fullscreen = 0; };
// A guest app asked to be activated; the host only marks the window urgent.
struct DemandsAttention { uint32_t window = 0; };

// The app the host launched for `request` (launch, or file-begin with
// file_open) exited with this status.
struct AppExited { uint32_t request = 0; int32_t status = 0; };
// The edited file of a file-begin with file_return follows in
// open-file-chunk / open-file-end.
struct ReturnFileBegin { uint32_t request = 0; uint64_t size = 0; };

using GuestMessage = std::variant<Hello, CreateWindow, DestroyWindow, Map, Unmap, SetTitle, SetAppId, SizeHints,
	Attach, SetCursor, ClipboardData, Pong, AckConfigure, OpenFileBegin, OpenFileChunk, OpenFileEnd, SetFullscreen,
	DemandsAttention, AppExited, ReturnFileBegin>;

// Host -> guest payloads.
struct Welcome {
	uint16_t major = version_major, minor = version_minor;
	uint64_t region_size = 0;
	int32_t output_width = 0, output_height = 0;
	uint32_t scale = 1;
};
struct BufferRelease { uint32_t window = 0; uint64_t offset = 0; };
struct FrameDone { uint32_t window = 0; uint32_t time_msec = 0; };
struct Configure { uint32_t window = 0; int32_t width = 0, height = 0; uint32_t flags = 0, serial = 0; };
struct Close { uint32_t window = 0; };
struct Keymap { std::string text; };
struct KeyboardEnter { uint32_t window = 0; };
struct KeyboardLeave { uint32_t window = 0; };
struct Key { uint32_t time_msec = 0, key = 0, state = 0; };
struct Modifiers { uint32_t depressed = 0, latched = 0, locked = 0, group = 0; };
// Pointer positions are 24.8 fixed point in window (surface) coordinates.
struct PointerEnter { uint32_t window = 0; int32_t x = 0, y = 0; };
struct PointerLeave { uint32_t window = 0; };
struct PointerMotion { uint32_t time_msec = 0; int32_t x = 0, y = 0; };
struct PointerButton { uint32_t time_msec = 0, button = 0, state = 0; };
struct PointerAxis { uint32_t time_msec = 0, axis = 0; int32_t value = 0, discrete = 0; };
struct ClipboardRequest { uint32_t serial = 0; };
struct ClipboardSet { std::string data; };
struct Ping { uint32_t serial = 0; };
struct Output { int32_t width = 0, height = 0; uint32_t scale = 1; };
// Runs a command line in the guest (a disposable's app); answered by app-exited.
struct Launch { uint32_t request = 0; std::string command; };
// A file for the guest, in file-chunk messages up to file-end.
struct FileBegin { uint32_t request = 0, flags = 0; uint64_t size = 0; std::string name; };
struct FileChunk { std::string data; };
struct FileEnd {};
// The host's answer to the guest's n-th open-file request (n counts from 1 in
// the order the guest's open-file-end messages were sent).
struct OpenResult { uint32_t request = 0, status = 0; std::string text; };

using HostMessage = std::variant<Welcome, BufferRelease, FrameDone, Configure, Close, Keymap, KeyboardEnter,
	KeyboardLeave, Key, Modifiers, PointerEnter, PointerLeave, PointerMotion, PointerButton, PointerAxis,
	ClipboardRequest, ClipboardSet, Ping, Output, Launch, FileBegin, FileChunk, FileEnd, OpenResult>;

} // namespace bulkhead::wire
