//! The general triage shown when an error was reported that no rule explains: decode the
//! code, then the order an experienced admin follows, adapted to the platform.

use crate::report::{Command, Fallback, Step};
use crate::rules::Text;
use crate::symptom::Symptom;
use crate::view::{FactView, Value};

fn t(en: &str, zh: &str) -> Text {
    Text {
        en: en.to_string(),
        zh: zh.to_string(),
    }
}

fn step(en: &str, zh: &str, cmds: &[(&str, &str)]) -> Step {
    Step {
        text: t(en, zh),
        commands: cmds
            .iter()
            .map(|(p, l)| Command {
                platform: p.to_string(),
                line: l.to_string(),
            })
            .collect(),
    }
}

/// Builds the triage for a symptom no rule explains.
pub fn triage(view: &FactView, s: &Symptom) -> Fallback {
    let family = match view.get("context.os_family") {
        Some(Value::Str(f)) => f.as_str(),
        _ => "",
    };
    let code = s
        .codes
        .first()
        .map(|c| format!("0x{c:08X}"))
        .unwrap_or_else(|| "the error".to_string());
    let reason = t(
        &format!("No rule explains {code}. Follow the general order below; each step narrows the cause, and its output can be passed back to certdoctor (--error, --facts)."),
        &format!("没有规则能解释 {code}。请按下面的通用顺序排查；每一步都会缩小范围，其输出可以再交给 certdoctor（--error、--facts）分析。"),
    );
    let mut steps = Vec::new();
    let windows = family != "linux";
    let linux = family != "windows";
    steps.push(step(
        "Re-check the basics: the certificate matches the private key, the chain is complete, the file format suits the platform, the clock is right, and the account has administrator rights. Run certdoctor on all the files of the installation.",
        "先复查基本项：证书与私钥是否匹配、证书链是否完整、文件格式是否适合该平台、系统时间是否正确、当前账户是否有管理员权限。把这次安装涉及的全部文件交给 certdoctor 检查。",
        &[("any", "certdoctor diagnose <all files of the installation> --error \"<the error>\"")],
    ));
    if windows {
        steps.push(step(
            "Read the Windows event log around the time of the failure (Application and System logs; sources CertificateServicesClient, Schannel, CAPI2).",
            "查看故障发生时段的 Windows 事件日志（应用程序和系统日志，来源 CertificateServicesClient、Schannel、CAPI2）。",
            &[("windows", "Get-WinEvent -LogName Application,System -MaxEvents 200 | Where-Object { $_.ProviderName -match 'Schannel|CAPI2|CertificateServices' } | Format-List TimeCreated,ProviderName,Id,Message")],
        ));
        steps.push(step(
            "Import with certutil to get the exact error code and message instead of the wizard's summary.",
            "用 certutil 导入，获得确切的错误代码和信息，而不是向导给出的笼统提示。",
            &[("windows", "certutil -f -p \"<password>\" -importpfx My \"<file.pfx>\"")],
        ));
        steps.push(step(
            "Pause the real-time protection of antivirus / endpoint software for the import, then turn it back on.",
            "导入期间暂时关闭杀毒或终端防护软件的实时防护，完成后立即恢复。",
            &[],
        ));
        steps.push(step(
            "Repair the crypto components: restart Cryptographic Services, then check system files.",
            "修复加密组件：重启加密服务（CryptSvc），再检查系统文件。",
            &[
                ("windows", "net stop cryptsvc && net start cryptsvc"),
                ("windows", "sfc /scannow"),
                ("windows", "DISM /Online /Cleanup-Image /RestoreHealth"),
            ],
        ));
    }
    if linux {
        steps.push(step(
            "Check the server's own error log and configuration test; they name the file and the OpenSSL error.",
            "查看 Web 服务器自身的错误日志和配置检查结果，其中会指出具体文件和 OpenSSL 错误。",
            &[
                ("linux", "nginx -t; journalctl -u nginx --since -1h"),
                ("linux", "apachectl configtest; journalctl -u httpd -u apache2 --since -1h"),
            ],
        ));
    }
    steps.push(step(
        "If nothing else works: generate a new CSR on the machine that will hold the certificate, and have the certificate re-issued.",
        "如果以上都无效：在将要安装证书的机器上重新生成 CSR，并请 CA 重新签发证书。",
        &[
            ("windows", "certreq -new request.inf request.csr"),
            ("linux", "openssl req -new -newkey rsa:2048 -nodes -keyout site.key -out site.csr"),
        ],
    ));
    let keep = |c: &Command| match c.platform.as_str() {
        "windows" => windows,
        "linux" => linux,
        _ => true,
    };
    for s in &mut steps {
        s.commands.retain(keep);
    }
    Fallback { reason, steps }
}
