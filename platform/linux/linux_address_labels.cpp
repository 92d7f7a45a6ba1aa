// LinuxBackend::getAddressLabelTable: the kernel's RFC 6724 label table (`ip addrlabel`), dumped with
// RTM_GETADDRLABEL and decoded by decodeAddressLabel.
#include "platform/linux/linux_backend.h"

#include <libmnl/libmnl.h>
#include <linux/if_addrlabel.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>

namespace ipmibd::platform::linux_backend {

Result LinuxBackend::getAddressLabelTable(std::vector<AddressLabelRow>& table) {
  alignas(nlmsghdr) std::array<char, 256> bytes{};
  nlmsghdr* request = mnl_nlmsg_put_header(bytes.data());
  request->nlmsg_type = RTM_GETADDRLABEL;
  request->nlmsg_flags = NLM_F_REQUEST;
  auto* header = static_cast<ifaddrlblmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifaddrlblmsg)));
  header->ifal_family = AF_INET6;
  table.clear();
  return requestSocket_->dump(
      request,
      [&](const nlmsghdr& m) {
        if (auto row = decodeAddressLabel(m)) table.push_back(*row);
      },
      [&] { table.clear(); });
}

} // namespace ipmibd::platform::linux_backend
