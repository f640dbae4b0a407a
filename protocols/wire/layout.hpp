#pragma once
// Internal to protocols/wire: the byte layout of every payload (its fixed
// part), a little-endian writer and a bounds-checked reader. Shared by the
// encoders (codec.cpp) and the checks (validate.cpp) so the two cannot drift.
#include "wire/messages.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bulkhead::wire::detail {

// Payload bytes of the fixed part of each type; nullopt for an unknown type.
// A 1.x peer sends exactly this many bytes for a fixed-size type, and at least
// this many (then a counted array or a byte string) for a variable one.
constexpr std::optional<std::size_t> fixed_size(uint16_t type)
{
	switch (static_cast<Type>(type)) {
	case Type::Hello: return 12;
	case Type::CreateWindow: return 12;
	case Type::DestroyWindow: case Type::Map: case Type::Unmap: case Type::OpenFileEnd: return 0;
	case Type::DemandsAttention: return 0;
	case Type::SetTitle: case Type::SetAppId: case Type::OpenFileChunk: return 0;
	case Type::SizeHints: return 16;
	case Type::Attach: return 28;
	case Type::SetCursor: case Type::Pong: case Type::AckConfigure: case Type::SetFullscreen: return 4;
	case Type::ClipboardData: return 4;
	case Type::OpenFileBegin: return 8;
	case Type::Welcome: return 24;
	case Type::BufferRelease: return 8;
	case Type::FrameDone: return 4;
	case Type::Configure: return 16;
	case Type::Close: case Type::KeyboardEnter: case Type::KeyboardLeave: case Type::PointerLeave: return 0;
	case Type::Keymap: case Type::ClipboardSet: return 0;
	case Type::Key: return 12;
	case Type::Modifiers: return 16;
	case Type::PointerEnter: return 8;
	case Type::PointerMotion: return 12;
	case Type::PointerButton: return 12;
	case Type::PointerAxis: return 16;
	case Type::ClipboardRequest: case Type::Ping: return 4;
	case Type::Output: return 12;
	case Type::AppExited: return 8;
	case Type::ReturnFileBegin: return 12;
	case Type::Launch: return 4;
	case Type::FileBegin: return 16;
	case Type::FileChunk: case Type::FileEnd: return 0;
	case Type::OpenResult: return 8;
	}
	return std::nullopt;
}

constexpr bool variable_length(uint16_t type)
{
	switch (static_cast<Type>(type)) {
	case Type::SetTitle: case Type::SetAppId: case Type::OpenFileChunk: case Type::ClipboardData:
	case Type::OpenFileBegin: case Type::Attach: case Type::Keymap: case Type::ClipboardSet:
	case Type::Launch: case Type::FileBegin: case Type::FileChunk: case Type::OpenResult:
		return true;
	default:
		return false;
	}
}

// Whether the header's window id names a window (non-zero) or must be 0.
constexpr bool about_window(uint16_t type)
{
	switch (static_cast<Type>(type)) {
	case Type::CreateWindow: case Type::DestroyWindow: case Type::Map: case Type::Unmap: case Type::SetTitle:
	case Type::SetAppId: case Type::SizeHints: case Type::Attach: case Type::SetCursor: case Type::AckConfigure:
	case Type::SetFullscreen: case Type::DemandsAttention:
	case Type::BufferRelease: case Type::FrameDone: case Type::Configure: case Type::Close:
	case Type::KeyboardEnter: case Type::KeyboardLeave: case Type::PointerEnter: case Type::PointerLeave:
		return true;
	default:
		return false;
	}
}

constexpr bool guest_range(uint16_t type)
{
	return type >= 1 && type < 64;
}

constexpr std::size_t damage_rect_size = 16;

inline uint64_t load_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; ++i)
		v |= static_cast<uint64_t>(p[i]) << (8 * i);
	return v;
}

// Appends one message; the payload length is patched in when it goes out of scope.
class Writer {
public:
	Writer(std::vector<uint8_t> &out, Type type, uint32_t window, uint16_t flags = 0)
		: out_(out), start_(out.size())
	{
		u16(static_cast<uint16_t>(type));
		u16(flags);
		u32(window);
		u32(0);
	}
	Writer(const Writer &) = delete;
	Writer &operator=(const Writer &) = delete;
	~Writer()
	{
		const uint64_t length = out_.size() - start_ - header_size;
		for (int i = 0; i < 4; ++i)
			out_[start_ + 8 + i] = static_cast<uint8_t>(length >> (8 * i));
	}
	Writer &u16(uint16_t v) { return put(v, 2); }
	Writer &u32(uint32_t v) { return put(v, 4); }
	Writer &i32(int32_t v) { return put(static_cast<uint32_t>(v), 4); }
	Writer &u64(uint64_t v) { return put(v, 8); }
	Writer &bytes(const void *data, std::size_t size)
	{
		const auto *p = static_cast<const uint8_t *>(data);
		out_.insert(out_.end(), p, p + size);
		return *this;
	}
	Writer &bytes(const std::string &s) { return bytes(s.data(), s.size()); }

private:
	Writer &put(uint64_t v, int n)
	{
		for (int i = 0; i < n; ++i)
			out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
		return *this;
	}
	std::vector<uint8_t> &out_;
	std::size_t start_;
};

// Reads a payload whose length was checked against fixed_size() first. Reading
// past the end is a programming error; it yields zeros and sets overrun(), so
// even a wrong caller never touches memory outside the payload.
class Reader {
public:
	explicit Reader(const std::vector<uint8_t> &data) : data_(data) {}
	std::size_t remaining() const { return data_.size() - pos_; }
	bool overrun() const { return overrun_; }
	uint16_t u16() { return static_cast<uint16_t>(get(2)); }
	uint32_t u32() { return static_cast<uint32_t>(get(4)); }
	int32_t i32() { return static_cast<int32_t>(static_cast<uint32_t>(get(4))); }
	uint64_t u64() { return get(8); }
	std::string rest()
	{
		std::string s(data_.begin() + static_cast<std::ptrdiff_t>(pos_), data_.end());
		pos_ = data_.size();
		return s;
	}

private:
	uint64_t get(int n)
	{
		if (remaining() < static_cast<std::size_t>(n)) {
			overrun_ = true;
			pos_ = data_.size();
			return 0;
		}
		const uint64_t v = load_le(data_.data() + pos_, n);
		pos_ += static_cast<std::size_t>(n);
		return v;
	}
	const std::vector<uint8_t> &data_;
	std::size_t pos_ = 0;
	bool overrun_ = false;
};

} // namespace bulkhead::wire::detail
