/* SPDX-License-Identifier: Apache-2.0 */
// A real nginx (Debian's nginx-light) inside a lab host's namespace, on its
// own loopback, with every path in the lab's directory.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "support/lab.h"

namespace vigil::test {

class Nginx {
public:
    // `locations`: extra nginx "location" blocks; `tls`: also listen on 8443 with a self-signed cert.
    Nginx(Lab& lab, int host, const std::string& locations = "", bool tls = false) : lab_(lab), host_(host) {
        dir_ = lab.dir().path() / ("nginx" + std::to_string(host));
        std::filesystem::create_directories(dir_ / "www");
        std::filesystem::create_directories(dir_ / "tmp");
        lab.dir().write("nginx" + std::to_string(host) + "/www/index.html", "hello from h" + std::to_string(host) + "\n");
        chmod(lab.dir().path().c_str(), 0755);
        for (auto d : {dir_, dir_ / "www", dir_ / "tmp"}) chmod(d.c_str(), 0777);
        std::string tls_server;
        if (tls) {
            run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vigil-test",
                 "-keyout", (dir_ / "key.pem").string(), "-out", (dir_ / "cert.pem").string()});
            tls_server = "server { listen 127.0.0.1:8443 ssl; ssl_certificate " + (dir_ / "cert.pem").string() +
                         "; ssl_certificate_key " + (dir_ / "key.pem").string() + "; root " + (dir_ / "www").string() +
                         "; location /health { return 200 \"ok\\n\"; } }\n";
        }
        auto t = (dir_ / "tmp").string();
        config_ = lab.dir().write("nginx" + std::to_string(host) + "/nginx.conf",
                                  "daemon off;\nmaster_process on;\nworker_processes 1;\npid " + (dir_ / "nginx.pid").string() +
                                      ";\nerror_log " + (dir_ / "error.log").string() + ";\nevents {}\nhttp {\naccess_log off;\n" +
                                      "client_body_temp_path " + t + "/body;\nproxy_temp_path " + t + "/proxy;\nfastcgi_temp_path " +
                                      t + "/fastcgi;\nuwsgi_temp_path " + t + "/uwsgi;\nscgi_temp_path " + t + "/scgi;\n" +
                                      "server { listen 127.0.0.1:8080; root " + (dir_ / "www").string() + ";\n" +
                                      "location /health { return 200 \"ok\\n\"; }\n" + locations + "}\n" + tls_server + "}\n");
        start();
    }
    ~Nginx() { stop(); }

    void start() {
        process_ = std::make_unique<Child>(std::vector<std::string>{kIp, "netns", "exec", lab_.ns(host_), "/usr/sbin/nginx", "-c", config_,
                                                                    "-p", dir_.string()});
    }
    // Like `systemctl stop nginx`: the master and its workers go.
    void stop() {
        if (!process_) return;
        process_->signal(SIGTERM);
        process_->wait_exit();
        process_.reset();
        // Workers exit with the master; make sure nothing keeps the port.
        lab_.signal_in(host_, SIGKILL, "nginx");
    }
    bool answering() const {
        return lab_.in(host_, {"/usr/bin/curl", "-sf", "-o", "/dev/null", "--max-time", "1", "http://127.0.0.1:8080/health"});
    }
    std::string config_path() const { return config_; }

private:
    Lab& lab_;
    int host_;
    std::filesystem::path dir_;
    std::string config_;
    std::unique_ptr<Child> process_;
};

}  // namespace vigil::test
