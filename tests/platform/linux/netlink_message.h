// A netlink message built attribute by attribute with libmnl: the decoder tests' synthetic kernel input.
#pragma once

#include "platform/rows.h"

#include <catch2/catch.hpp>
#include <libmnl/libmnl.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ipmibd::testing {

class Message {
public:
  template <class Header> Header* start(std::uint16_t type, std::uint16_t flags = 0) {
    header_ = mnl_nlmsg_put_header(bytes_.data());
    header_->nlmsg_type = type;
    header_->nlmsg_flags = flags;
    return static_cast<Header*>(mnl_nlmsg_put_extra_header(header_, sizeof(Header)));
  }
  void put(std::uint16_t type, const void* data, std::size_t length) {
    mnl_attr_put(header_, type, length, data);
  }
  void u8(std::uint16_t type, std::uint8_t v) { mnl_attr_put_u8(header_, type, v); }
  void u16(std::uint16_t type, std::uint16_t v) { mnl_attr_put_u16(header_, type, v); }
  void u32(std::uint16_t type, std::uint32_t v) { mnl_attr_put_u32(header_, type, v); }
  void u64(std::uint16_t type, std::uint64_t v) { mnl_attr_put_u64(header_, type, v); }
  void str(std::uint16_t type, const char* v) { mnl_attr_put_strz(header_, type, v); }
  void ip(std::uint16_t type, const char* text) {
    auto a = platform::IpAddress::parse(text);
    REQUIRE(a.has_value());
    put(type, a->data(), a->size());
  }
  nlattr* nest(std::uint16_t type) { return mnl_attr_nest_start(header_, type); }
  void end(nlattr* nest) { mnl_attr_nest_end(header_, nest); }
  // Raw bytes after the last attribute: write at tail(), then grow() by their length.
  void* tail() { return mnl_nlmsg_get_payload_tail(header_); }
  void grow(std::size_t bytes) { header_->nlmsg_len += std::uint32_t(MNL_ALIGN(bytes)); }
  nlmsghdr& message() { return *header_; }

private:
  alignas(8) std::array<char, 16384> bytes_{};
  nlmsghdr* header_ = nullptr;
};

} // namespace ipmibd::testing
