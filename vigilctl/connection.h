/* SPDX-License-Identifier: Apache-2.0 */
// vigilctl's end of the control socket: one request line out, reply lines in.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vigil::vigilctl {

class Connection {
public:
    Connection() = default;
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // "" or why not, with a hint when no vigild seems to be there.
    std::string open(const std::string& path);
    // vigild answers at once; this keeps a wedged peer from holding us for ever.
    void limit_reply_wait(int seconds);
    bool send(const nlohmann::json& request);
    // One line, or false at the end of the stream.
    bool read_line(std::string& line);

private:
    int fd_ = -1;
    std::string buffered_;
};

}  // namespace vigil::vigilctl
