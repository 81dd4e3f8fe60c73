<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>BackupDetails</name>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>%1 GiB</source>
            <translation>%1 GiB</translation>
        </message>
        <message>
            <source>Chain:</source>
            <translation>链:</translation>
        </message>
        <message>
            <source>lock ended %1</source>
            <translation>锁定已于 %1 结束</translation>
        </message>
        <message>
            <source>%1, master key %2</source>
            <translation>%1,主密钥 %2</translation>
        </message>
    </context>
    <context>
        <name>CloudSource</name>
        <message>
            <source>Cinder reports no percentage</source>
            <translation>Cinder 不报告百分比</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>Stopped following %1; Cinder carries on with it.</source>
            <translation>已停止跟踪 %1;Cinder 会继续处理它。</translation>
        </message>
        <message>
            <source>%1 s: %2 %3</source>
            <translation>%1 秒:%2 %3</translation>
        </message>
        <message>
            <source>%1 s: %2 %3 → %4</source>
            <translation>%1 秒:%2 %3 → %4</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>%1/s</source>
            <translation>%1/s</translation>
        </message>
        <message>
            <source>%1 s</source>
            <translation>%1 秒</translation>
        </message>
        <message>
            <source>%1 min %2 s</source>
            <translation>%1 分 %2 秒</translation>
        </message>
        <message>
            <source>%1 h %2 min</source>
            <translation>%1 小时 %2 分</translation>
        </message>
    </context>
    <context>
        <name>HistoryModel</name>
        <message>
            <source>%1 so far</source>
            <translation>已运行 %1</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1(%2)</translation>
        </message>
        <message>
            <source>Job %1 is no longer in the history (pruned?).</source>
            <translation>任务 %1 已不在历史记录中(已被清理?)。</translation>
        </message>
        <message>
            <source>Cannot write %1: %2</source>
            <translation>无法写入 %1:%2</translation>
        </message>
    </context>
    <context>
        <name>JobKind</name>
        <message>
            <source>backup</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>restore</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>verify</source>
            <translation>校验</translation>
        </message>
        <message>
            <source>synthesize</source>
            <translation>合成</translation>
        </message>
        <message>
            <source>prune</source>
            <translation>清理</translation>
        </message>
    </context>
    <context>
        <name>JobResult</name>
        <message>
            <source>running</source>
            <translation>运行中</translation>
        </message>
        <message>
            <source>succeeded</source>
            <translation>成功</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>skipped</source>
            <translation>已跳过</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>已中断</translation>
        </message>
    </context>
    <context>
        <name>JobRunner</name>
        <message>
            <source>Cancelled by request.</source>
            <translation>已按请求取消。</translation>
        </message>
        <message>
            <source>history: the job is not recorded: %1</source>
            <translation>历史记录:未记录此任务:%1</translation>
        </message>
        <message>
            <source>history: the result is not recorded: %1</source>
            <translation>历史记录:未记录任务结果:%1</translation>
        </message>
    </context>
    <context>
        <name>JobState</name>
        <message>
            <source>queued</source>
            <translation>排队中</translation>
        </message>
        <message>
            <source>running</source>
            <translation>运行中</translation>
        </message>
        <message>
            <source>cancelling</source>
            <translation>正在取消</translation>
        </message>
        <message>
            <source>done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
    </context>
    <context>
        <name>QObject</name>
        <message>
            <source>key not available: %1 is not in this host's key store</source>
            <translation>密钥不可用:%1 不在本机的密钥库中</translation>
        </message>
        <message>
            <source>Cannot write the key file %1: %2</source>
            <translation>无法写入密钥文件 %1:%2</translation>
        </message>
        <message>
            <source>Cannot make the key file %1 private (mode 0600): %2</source>
            <translation>无法将密钥文件 %1 设为私有(权限 0600):%2</translation>
        </message>
        <message>
            <source>The whole key pair (restores backups: keep it safe)</source>
            <translation>完整密钥对(可恢复备份:请妥善保管)</translation>
        </message>
        <message>
            <source>The public key only (makes backups, cannot restore them)</source>
            <translation>仅公钥(可创建备份,不能恢复)</translation>
        </message>
        <message>
            <source>Which part of the key pair?</source>
            <translation>导出密钥对的哪一部分?</translation>
        </message>
    </context>
    <context>
        <name>Retention</name>
        <message>
            <source>On Ceph every backup is a snapshot of one base image, and an incremental holds only its own snapshot's changes. Any backup can be deleted without harming the later ones: they take over its parent, so no synthetic full is needed first.</source>
            <translation>在 Ceph 上,每个备份都是同一个基础镜像的快照,增量备份只保存其自身快照的更改。删除任何备份都不会影响之后的备份:它们会接管其父备份,因此无需先创建合成完整备份。</translation>
        </message>
        <message>
            <source>kept</source>
            <translation>保留</translation>
        </message>
        <message>
            <source>protected</source>
            <translation>受保护</translation>
        </message>
        <message>
            <source>needed by a kept backup</source>
            <translation>被保留的备份所需</translation>
        </message>
        <message>
            <source>synthetic full first, then removed</source>
            <translation>先创建合成完整备份,再删除</translation>
        </message>
        <message>
            <source>removed</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>not counted (not available)</source>
            <translation>不计入(不可用)</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <source>System language</source>
            <translation>系统语言</translation>
        </message>
    </context>
    <context>
        <name>Status</name>
        <message>
            <source>creating</source>
            <translation>创建中</translation>
        </message>
        <message>
            <source>available</source>
            <translation>可用</translation>
        </message>
        <message>
            <source>deleting</source>
            <translation>删除中</translation>
        </message>
        <message>
            <source>deleted</source>
            <translation>已删除</translation>
        </message>
        <message>
            <source>error</source>
            <translation>错误</translation>
        </message>
        <message>
            <source>error deleting</source>
            <translation>删除出错</translation>
        </message>
        <message>
            <source>restoring</source>
            <translation>恢复中</translation>
        </message>
        <message>
            <source>in use</source>
            <translation>使用中</translation>
        </message>
        <message>
            <source>backing up</source>
            <translation>备份中</translation>
        </message>
        <message>
            <source>error restoring</source>
            <translation>恢复出错</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ActionsController</name>
        <message>
            <source>&amp;Add Volume…</source>
            <translation>添加卷(&amp;A)…</translation>
        </message>
        <message>
            <source>Ctrl+N</source>
            <translation>Ctrl+N</translation>
        </message>
        <message>
            <source>Register an image file or block device, or create a new image</source>
            <translation>登记镜像文件或块设备,或创建新镜像</translation>
        </message>
        <message>
            <source>Add &amp;RBD Image…</source>
            <translation>添加 RBD 镜像(&amp;R)…</translation>
        </message>
        <message>
            <source>Register an RBD image of a configured Ceph cluster as a volume</source>
            <translation>将已配置 Ceph 集群中的 RBD 镜像登记为卷</translation>
        </message>
        <message>
            <source>Create &amp;Sample Volume</source>
            <translation>创建示例卷(&amp;S)</translation>
        </message>
        <message>
            <source>Ctrl+Shift+N</source>
            <translation>Ctrl+Shift+N</translation>
        </message>
        <message>
            <source>Create a small image with recognisable content to try Ember on</source>
            <translation>创建一个内容易于识别的小镜像来试用 Ember</translation>
        </message>
        <message>
            <source>&amp;Remove Volume</source>
            <translation>移除卷(&amp;R)</translation>
        </message>
        <message>
            <source>Ctrl+Del</source>
            <translation>Ctrl+Del</translation>
        </message>
        <message>
            <source>Forget the selected volume (its data and backups stay)</source>
            <translation>从列表中移除所选卷(其数据和备份保留)</translation>
        </message>
        <message>
            <source>Reset &amp;Volume State…</source>
            <translation>重置卷状态(&amp;V)…</translation>
        </message>
        <message>
            <source>Administrator: set a volume's status, e.g. after a failed restore left it error_restoring</source>
            <translation>管理员:设置卷的状态,例如在恢复失败使其处于 error_restoring 之后</translation>
        </message>
        <message>
            <source>&amp;Create Backup…</source>
            <translation>创建备份(&amp;C)…</translation>
        </message>
        <message>
            <source>Ctrl+B</source>
            <translation>Ctrl+B</translation>
        </message>
        <message>
            <source>Back up the selected volume</source>
            <translation>备份所选卷</translation>
        </message>
        <message>
            <source>&amp;Restore…</source>
            <translation>恢复(&amp;R)…</translation>
        </message>
        <message>
            <source>Ctrl+R</source>
            <translation>Ctrl+R</translation>
        </message>
        <message>
            <source>Restore the selected backup</source>
            <translation>恢复所选备份</translation>
        </message>
        <message>
            <source>&amp;Delete Backup…</source>
            <translation>删除备份(&amp;D)…</translation>
        </message>
        <message>
            <source>Delete the selected backup</source>
            <translation>删除所选备份</translation>
        </message>
        <message>
            <source>&amp;Force Delete…</source>
            <translation>强制删除(&amp;F)…</translation>
        </message>
        <message>
            <source>Shift+Del</source>
            <translation>Shift+Del</translation>
        </message>
        <message>
            <source>Administrator: delete a backup stuck in any status</source>
            <translation>管理员:删除处于任意状态的卡住的备份</translation>
        </message>
        <message>
            <source>&amp;Verify</source>
            <translation>校验(&amp;V)</translation>
        </message>
        <message>
            <source>Ctrl+Y</source>
            <translation>Ctrl+Y</translation>
        </message>
        <message>
            <source>Read the backup's chain and check every object and hash</source>
            <translation>读取备份链并检查每个对象和哈希</translation>
        </message>
        <message>
            <source>&amp;Export Record…</source>
            <translation>导出记录(&amp;E)…</translation>
        </message>
        <message>
            <source>Ctrl+E</source>
            <translation>Ctrl+E</translation>
        </message>
        <message>
            <source>Show the backup's record for Cinder's backup-import</source>
            <translation>显示用于 Cinder backup-import 的备份记录</translation>
        </message>
        <message>
            <source>&amp;Import Record…</source>
            <translation>导入记录(&amp;I)…</translation>
        </message>
        <message>
            <source>Ctrl+I</source>
            <translation>Ctrl+I</translation>
        </message>
        <message>
            <source>Make a backup known from its record</source>
            <translation>通过备份记录登记备份</translation>
        </message>
        <message>
            <source>Reset &amp;State…</source>
            <translation>重置状态(&amp;S)…</translation>
        </message>
        <message>
            <source>Ctrl+Shift+R</source>
            <translation>Ctrl+Shift+R</translation>
        </message>
        <message>
            <source>Administrator: set a backup's status to available or error</source>
            <translation>管理员:将备份状态设为“可用”或“错误”</translation>
        </message>
        <message>
            <source>&amp;Edit Name and Description…</source>
            <translation>编辑名称和描述(&amp;E)…</translation>
        </message>
        <message>
            <source>F2</source>
            <translation>F2</translation>
        </message>
        <message>
            <source>Rename the selected backup</source>
            <translation>重命名所选备份</translation>
        </message>
        <message>
            <source>Re&amp;fresh</source>
            <translation>刷新(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Cancel Job…</source>
            <translation>取消任务(&amp;C)…</translation>
        </message>
        <message>
            <source>Ctrl+Shift+X</source>
            <translation>Ctrl+Shift+X</translation>
        </message>
        <message>
            <source>Stop the selected job</source>
            <translation>停止所选任务</translation>
        </message>
        <message>
            <source>C&amp;lear Finished Jobs</source>
            <translation>清除已完成的任务(&amp;L)</translation>
        </message>
        <message>
            <source>Ctrl+Shift+L</source>
            <translation>Ctrl+Shift+L</translation>
        </message>
        <message>
            <source>Remove finished jobs from the list</source>
            <translation>从列表中移除已完成的任务</translation>
        </message>
        <message>
            <source>Copy Job &amp;Log</source>
            <translation>复制任务日志(&amp;L)</translation>
        </message>
        <message>
            <source>Ctrl+Shift+C</source>
            <translation>Ctrl+Shift+C</translation>
        </message>
        <message>
            <source>Copy the selected job's log to the clipboard</source>
            <translation>将所选任务的日志复制到剪贴板</translation>
        </message>
        <message>
            <source>&amp;Backends…</source>
            <translation>后端(&amp;B)…</translation>
        </message>
        <message>
            <source>Ctrl+Shift+B</source>
            <translation>Ctrl+Shift+B</translation>
        </message>
        <message>
            <source>Add, edit, test and remove backends</source>
            <translation>添加、编辑、测试和移除后端</translation>
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation>设置(&amp;S)…</translation>
        </message>
        <message>
            <source>Application settings</source>
            <translation>应用程序设置</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>Quit Ember</source>
            <translation>退出 Ember</translation>
        </message>
        <message>
            <source>&amp;About Ember</source>
            <translation>关于 Ember(&amp;A)</translation>
        </message>
        <message>
            <source>About Ember</source>
            <translation>关于 Ember</translation>
        </message>
        <message>
            <source>&lt;b&gt;Ember %1&lt;/b&gt;&lt;p&gt;Backs up block volumes in OpenStack Cinder's formats.&lt;/p&gt;&lt;p&gt;Catalog: %2&lt;/p&gt;</source>
            <translation>&lt;b&gt;Ember %1&lt;/b&gt;&lt;p&gt;以 OpenStack Cinder 的格式备份块卷。&lt;/p&gt;&lt;p&gt;目录:%2&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Ctrl+Q</source>
            <translation>Ctrl+Q</translation>
        </message>
        <message>
            <source>Select a backup first.</source>
            <translation>请先选择一个备份。</translation>
        </message>
        <message numerus="yes">
            <source>%n incremental backup(s) depend on this one (%1): delete them first.</source>
            <translation>
                <numerusform>有 %n 个增量备份依赖于此备份(%1):请先删除它们。</numerusform>
            </translation>
        </message>
        <message>
            <source>A job of this window runs on the volume; wait for it to finish.</source>
            <translation>本窗口的一个任务正在此卷上运行;请等待其完成。</translation>
        </message>
        <message>
            <source>The volume is busy: %1 running since %2 (process %3).</source>
            <translation>卷正忙:%1 自 %2 起运行中(进程 %3)。</translation>
        </message>
        <message>
            <source>The catalog is still loading.</source>
            <translation>目录仍在加载中。</translation>
        </message>
        <message>
            <source>Select only one volume.</source>
            <translation>请只选择一个卷。</translation>
        </message>
        <message>
            <source>Select a volume first.</source>
            <translation>请先选择一个卷。</translation>
        </message>
        <message>
            <source>Configure a backend first.</source>
            <translation>请先配置后端。</translation>
        </message>
        <message>
            <source>Only available backups can be %1; this one is %2.</source>
            <translation>只有可用的备份才能被%1;此备份的状态为“%2”。</translation>
        </message>
        <message>
            <source>restored</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>verified</source>
            <translation>校验</translation>
        </message>
        <message>
            <source>exported</source>
            <translation>导出</translation>
        </message>
        <message>
            <source>Select a job first.</source>
            <translation>请先选择一个任务。</translation>
        </message>
        <message>
            <source>This job has finished.</source>
            <translation>此任务已结束。</translation>
        </message>
        <message>
            <source>The job is being cancelled.</source>
            <translation>此任务正在取消。</translation>
        </message>
        <message>
            <source>Add Volume</source>
            <translation>添加卷</translation>
        </message>
        <message>
            <source>Add RBD Image</source>
            <translation>添加 RBD 镜像</translation>
        </message>
        <message>
            <source>%1 already exists.</source>
            <translation>%1 已存在。</translation>
        </message>
        <message>
            <source>Cannot create %1: %2</source>
            <translation>无法创建 %1:%2</translation>
        </message>
        <message>
            <source>Cannot write %1: %2</source>
            <translation>无法写入 %1:%2</translation>
        </message>
        <message>
            <source>Create Sample Volume</source>
            <translation>创建示例卷</translation>
        </message>
        <message>
            <source>Sample volume created: back it up with Create Backup.</source>
            <translation>示例卷已创建:请使用“创建备份”来备份它。</translation>
        </message>
        <message>
            <source>Remove Volume</source>
            <translation>移除卷</translation>
        </message>
        <message numerus="yes">
            <source>Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup(s).</source>
            <translation>
                <numerusform>从 Ember 中移除 %1(%2)?卷的数据不会被改动。它有 %n 个备份。</numerusform>
            </translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <source>Reset Volume State</source>
            <translation>重置卷状态</translation>
        </message>
        <message>
            <source>Incremental backup of %1</source>
            <translation>%1 的增量备份</translation>
        </message>
        <message>
            <source>Full backup of %1</source>
            <translation>%1 的完整备份</translation>
        </message>
        <message>
            <source>backup %1 on backend %2%3</source>
            <translation>备份 %1,后端 %2%3</translation>
        </message>
        <message>
            <source>, parent %1</source>
            <translation>,父备份 %1</translation>
        </message>
        <message>
            <source>backup %1 available: %2 objects, %3 stored</source>
            <translation>备份 %1 可用:%2 个对象,已存储 %3</translation>
        </message>
        <message>
            <source>Restore %1 to %2</source>
            <translation>将 %1 恢复到 %2</translation>
        </message>
        <message numerus="yes">
            <source>restoring a chain of %n backup(s) into %1</source>
            <translation>
                <numerusform>正在将包含 %n 个备份的链恢复到 %1</numerusform>
            </translation>
        </message>
        <message>
            <source>restored into %1 (%2)</source>
            <translation>已恢复到 %1(%2)</translation>
        </message>
        <message>
            <source>%1. Volume %2 is now “error restoring”: restore into it again, or check its data and use Reset Volume State.</source>
            <translation>%1。卷 %2 现在处于“恢复出错”状态:请重新恢复到此卷,或检查其数据后使用“重置卷状态”。</translation>
        </message>
        <message>
            <source>Delete backup %1 of volume %2 (%3 objects on backend %4)? Its data is removed from the backend; this cannot be undone.</source>
            <translation>删除卷 %2 的备份 %1(后端 %4 上的 %3 个对象)?其数据将从后端删除;此操作无法撤销。</translation>
        </message>
        <message>
            <source>Force delete ignores the status “%1”; a backup still being written is stopped and its objects removed.</source>
            <translation>强制删除会忽略状态“%1”;仍在写入的备份将被停止,其对象将被删除。</translation>
        </message>
        <message>
            <source>Force Delete Backup</source>
            <translation>强制删除备份</translation>
        </message>
        <message>
            <source>Delete Backup</source>
            <translation>删除备份</translation>
        </message>
        <message>
            <source>Force Delete</source>
            <translation>强制删除</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Force delete %1</source>
            <translation>强制删除 %1</translation>
        </message>
        <message>
            <source>Delete %1</source>
            <translation>删除 %1</translation>
        </message>
        <message>
            <source>backup %1 deleted</source>
            <translation>备份 %1 已删除</translation>
        </message>
        <message>
            <source>Verify %1</source>
            <translation>校验 %1</translation>
        </message>
        <message numerus="yes">
            <source>%n problem(s) found: %1</source>
            <translation>
                <numerusform>发现 %n 个问题:%1</numerusform>
            </translation>
        </message>
        <message>
            <source>intact: %1 objects, %2 blocks, %3 checked</source>
            <translation>完好:已检查 %1 个对象、%2 个块、%3</translation>
        </message>
        <message>
            <source>Export Record</source>
            <translation>导出记录</translation>
        </message>
        <message>
            <source>Import Record</source>
            <translation>导入记录</translation>
        </message>
        <message>
            <source>Imported backup %1.</source>
            <translation>已导入备份 %1。</translation>
        </message>
        <message>
            <source>Reset State</source>
            <translation>重置状态</translation>
        </message>
        <message>
            <source>Edit Backup</source>
            <translation>编辑备份</translation>
        </message>
        <message>
            <source>Cancel Job</source>
            <translation>取消任务</translation>
        </message>
        <message>
            <source>Stop “%1”? What it wrote so far is removed and the catalog keeps the state from before.</source>
            <translation>停止“%1”?已写入的内容将被删除,目录保持之前的状态。</translation>
        </message>
        <message>
            <source>Stop Job</source>
            <translation>停止任务</translation>
        </message>
        <message>
            <source>Job log copied.</source>
            <translation>任务日志已复制。</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Read the catalog (or the cloud's lists) again</source>
            <translation>重新读取目录(或云的列表)</translation>
        </message>
        <message>
            <source>Only for this computer's volumes: switch the source to “This computer”.</source>
            <translation>仅适用于本机的卷:请将来源切换为“本机”。</translation>
        </message>
        <message>
            <source>Ember verifies what it stored itself; Cinder has no verify for %1's backups.</source>
            <translation>Ember 只校验它自己存储的内容;Cinder 没有为 %1 的备份提供校验。</translation>
        </message>
        <message>
            <source>%1's lists are still loading.</source>
            <translation>%1 的列表仍在加载。</translation>
        </message>
        <message>
            <source>%1 needs the admin role on %2.</source>
            <translation>%1 需要 %2 上的管理员角色。</translation>
        </message>
        <message>
            <source>Import-record</source>
            <translation>导入记录</translation>
        </message>
        <message>
            <source>Renaming a backup</source>
            <translation>重命名备份</translation>
        </message>
        <message>
            <source>Reset-state</source>
            <translation>重置状态</translation>
        </message>
        <message>
            <source>Export-record</source>
            <translation>导出记录</translation>
        </message>
        <message>
            <source>Backup status must be available, but is "%1".</source>
            <translation>备份状态必须为 available,但当前为“%1”。</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>%1: sent to %2; the jobs panel follows Cinder's status.</source>
            <translation>%1:已发送到 %2;作业面板会跟踪 Cinder 的状态。</translation>
        </message>
        <message>
            <source>Create Backup</source>
            <translation>创建备份</translation>
        </message>
        <message>
            <source>Restore</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>Delete backup %1 of volume %2 in %3? Cinder removes its data from the backup store; this cannot be undone.</source>
            <translation>删除 %3 中卷 %2 的备份 %1?Cinder 会从备份存储中删除其数据;此操作无法撤消。</translation>
        </message>
        <message>
            <source>Force delete ignores the status “%1”.</source>
            <translation>强制删除会忽略状态“%1”。</translation>
        </message>
        <message>
            <source>S&amp;ynthesize Full Backup…</source>
            <translation>合成完整备份(&amp;Y)…</translation>
        </message>
        <message>
            <source>Write a new full backup of the selected backup's state from its chain, without reading the volume</source>
            <translation>根据所选备份的链写入一个具有其状态的新完整备份,无需读取卷</translation>
        </message>
        <message>
            <source>&amp;Protect</source>
            <translation>保护(&amp;P)</translation>
        </message>
        <message>
            <source>Keep the selected backup through every prune</source>
            <translation>在每次清理中都保留所选备份</translation>
        </message>
        <message>
            <source>Un&amp;protect</source>
            <translation>取消保护(&amp;P)</translation>
        </message>
        <message>
            <source>Let prunes remove the selected backup again</source>
            <translation>重新允许清理删除所选备份</translation>
        </message>
        <message>
            <source>Retention &amp;Policy…</source>
            <translation>保留策略(&amp;P)…</translation>
        </message>
        <message>
            <source>Choose which backups of the selected volume to keep, see it on a timeline, and prune</source>
            <translation>选择保留所选卷的哪些备份,在时间线上查看结果,并进行清理</translation>
        </message>
        <message>
            <source>Prune &amp;Log…</source>
            <translation>清理日志(&amp;L)…</translation>
        </message>
        <message>
            <source>What prunes removed, why, and by which policy</source>
            <translation>清理删除了哪些备份、原因以及依据的策略</translation>
        </message>
        <message>
            <source>This backup is protected: unprotect it first (Backup ▸ Unprotect).</source>
            <translation>此备份受保护:请先取消保护(备份 ▸ 取消保护)。</translation>
        </message>
        <message numerus="yes">
            <source>%n later backup(s) take over its parent.</source>
            <translation>
                <numerusform>之后的 %n 个备份将接管其父备份。</numerusform>
            </translation>
        </message>
        <message>
            <source>Only available backups can be synthesized; this one is %1.</source>
            <translation>只能为可用的备份合成完整备份;此备份为 %1。</translation>
        </message>
        <message>
            <source>This backup is protected already.</source>
            <translation>此备份已受保护。</translation>
        </message>
        <message>
            <source>This backup is not protected.</source>
            <translation>此备份未受保护。</translation>
        </message>
        <message>
            <source>Protect</source>
            <translation>保护</translation>
        </message>
        <message>
            <source>Unprotect</source>
            <translation>取消保护</translation>
        </message>
        <message>
            <source>Synthesize Full Backup</source>
            <translation>合成完整备份</translation>
        </message>
        <message>
            <source>Retention Policy</source>
            <translation>保留策略</translation>
        </message>
        <message>
            <source>Prune</source>
            <translation>清理</translation>
        </message>
        <message>
            <source>This backup is immutable %1: no one holding the backend's keys can delete it before then, not even Ember. It can be deleted from then on.</source>
            <translation>此备份不可变 %1:在此之前,任何持有该后端密钥的人都无法删除它,Ember 也不能。此后即可删除。</translation>
        </message>
        <message>
            <source>&amp;Keys…</source>
            <translation>密钥(&amp;K)…</translation>
        </message>
        <message>
            <source>Create, import, export, rotate and remove encryption keys</source>
            <translation>创建、导入、导出、轮换和移除加密密钥</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::AddVolumeDialog</name>
        <message>
            <source>Add Volume</source>
            <translation>添加卷</translation>
        </message>
        <message>
            <source>An &amp;existing image file or block device</source>
            <translation>现有的镜像文件或块设备(&amp;E)</translation>
        </message>
        <message>
            <source>A &amp;new sparse image file</source>
            <translation>新的稀疏镜像文件(&amp;N)</translation>
        </message>
        <message>
            <source>/path/to/volume.img or /dev/sdX</source>
            <translation>/路径/卷.img 或 /dev/sdX</translation>
        </message>
        <message>
            <source>&amp;Browse…</source>
            <translation>浏览(&amp;B)…</translation>
        </message>
        <message>
            <source>&amp;Path:</source>
            <translation>路径(&amp;P):</translation>
        </message>
        <message>
            <source>defaults to the file name</source>
            <translation>默认为文件名</translation>
        </message>
        <message>
            <source>N&amp;ame:</source>
            <translation>名称(&amp;A):</translation>
        </message>
        <message>
            <source>MiB</source>
            <translation>MiB</translation>
        </message>
        <message>
            <source>GiB</source>
            <translation>GiB</translation>
        </message>
        <message>
            <source>&amp;Size:</source>
            <translation>大小(&amp;S):</translation>
        </message>
        <message>
            <source>Choose a volume</source>
            <translation>选择卷</translation>
        </message>
        <message>
            <source>Enter the path of the volume.</source>
            <translation>请输入卷的路径。</translation>
        </message>
        <message>
            <source>%1 already exists; choose a new file name.</source>
            <translation>%1 已存在;请选择新的文件名。</translation>
        </message>
        <message>
            <source>The folder %1 does not exist.</source>
            <translation>文件夹 %1 不存在。</translation>
        </message>
        <message>
            <source>%1 does not exist.</source>
            <translation>%1 不存在。</translation>
        </message>
        <message>
            <source>%1 is neither an image file nor a block device.</source>
            <translation>%1 既不是镜像文件也不是块设备。</translation>
        </message>
        <message>
            <source>You have no permission to read %1.</source>
            <translation>您没有读取 %1 的权限。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::AppContext</name>
        <message>
            <source>Recovery of interrupted operations failed: %1</source>
            <translation>恢复中断的操作失败:%1</translation>
        </message>
        <message>
            <source>Backend %1 needs secrets (%2) but this build has no keyring support.</source>
            <translation>后端 %1 需要机密信息(%2),但此版本不支持密钥环。</translation>
        </message>
        <message>
            <source>Backend %1 needs secrets but this build has no keyring support.</source>
            <translation>后端 %1 需要机密信息,但此版本不支持密钥环。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackendModel</name>
        <message>
            <source>default</source>
            <translation>默认</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Default</source>
            <translation>默认</translation>
        </message>
        <message>
            <source>Backups</source>
            <translation>备份</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackendOptionsPage</name>
        <message>
            <source>unlimited, e.g. 10MB/s 08:00-18:00, 50MB/s</source>
            <translation>不限速,例如 10MB/s 08:00-18:00, 50MB/s</translation>
        </message>
        <message>
            <source>Rules separated by commas, each a rate (B, kB, MB, GB or KiB, MiB, GiB per second) with an optional time window HH:MM-HH:MM; the first rule whose window holds applies. Empty = unlimited. (%1)</source>
            <translation>以逗号分隔的规则,每条为一个速率(每秒 B、kB、MB、GB 或 KiB、MiB、GiB),可带时间窗口 HH:MM-HH:MM;采用第一条时间窗口匹配的规则。留空 = 不限速。(%1)</translation>
        </message>
        <message>
            <source>&amp;Upload limit:</source>
            <translation>上传限速(&amp;U):</translation>
        </message>
        <message>
            <source>Do&amp;wnload limit:</source>
            <translation>下载限速(&amp;W):</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackendWizard</name>
        <message>
            <source>Edit Backend %1</source>
            <translation>编辑后端 %1</translation>
        </message>
        <message>
            <source>Add Backend</source>
            <translation>添加后端</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackendsDialog</name>
        <message>
            <source>Backends</source>
            <translation>后端</translation>
        </message>
        <message>
            <source>&amp;Add…</source>
            <translation>添加(&amp;A)…</translation>
        </message>
        <message>
            <source>&amp;Edit…</source>
            <translation>编辑(&amp;E)…</translation>
        </message>
        <message>
            <source>&amp;Test</source>
            <translation>测试(&amp;T)</translation>
        </message>
        <message>
            <source>Make &amp;Default</source>
            <translation>设为默认(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Remove</source>
            <translation>移除(&amp;R)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) are stored on this backend: delete them first.</source>
            <translation>
                <numerusform>此后端上存有 %n 个备份:请先删除它们。</numerusform>
            </translation>
        </message>
        <message>
            <source>This is the default backend: make another backend the default first.</source>
            <translation>这是默认后端:请先将另一个后端设为默认。</translation>
        </message>
        <message>
            <source>Test Backend %1</source>
            <translation>测试后端 %1</translation>
        </message>
        <message>
            <source>Remove Backend</source>
            <translation>移除后端</translation>
        </message>
        <message>
            <source>Remove the backend “%1”? Its directory and files are kept.</source>
            <translation>移除后端“%1”?其目录和文件将保留。</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackupTreeModel</name>
        <message>
            <source>%1 GiB</source>
            <translation>%1 GiB</translation>
        </message>
        <message>
            <source>full</source>
            <translation>完整</translation>
        </message>
        <message>
            <source>incremental, level %1</source>
            <translation>增量,第 %1 级</translation>
        </message>
        <message numerus="yes">
            <source>%n incremental backup(s) depend on this one</source>
            <translation>
                <numerusform>有 %n 个增量备份依赖于此备份</numerusform>
            </translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>Stored</source>
            <translation>已存储</translation>
        </message>
        <message>
            <source>Incremental</source>
            <translation>增量</translation>
        </message>
        <message>
            <source>Objects</source>
            <translation>对象数</translation>
        </message>
        <message>
            <source>Container</source>
            <translation>容器</translation>
        </message>
        <message>
            <source>Backend</source>
            <translation>后端</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>创建时间</translation>
        </message>
        <message>
            <source>Data timestamp</source>
            <translation>数据时间戳</translation>
        </message>
        <message>
            <source>Dependents</source>
            <translation>依赖数</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>incremental, parent unknown</source>
            <translation>增量,父备份未知</translation>
        </message>
        <message>
            <source>incremental, level %1 (inferred)</source>
            <translation>增量,第 %1 级(推断)</translation>
        </message>
        <message>
            <source>Snapshot</source>
            <translation>快照</translation>
        </message>
        <message>
            <source>Fail reason</source>
            <translation>失败原因</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>%1 at offset %2</source>
            <translation>%1 位于偏移量 %2</translation>
        </message>
        <message>
            <source>%1 ok</source>
            <translation>%1 正常</translation>
        </message>
        <message>
            <source>%1 failed: %2</source>
            <translation>%1 失败:%2</translation>
        </message>
        <message>
            <source>whole backup, %1 of its objects</source>
            <translation>整个备份,共 %1 个对象</translation>
        </message>
        <message>
            <source>%1% sample, %2 of %3 objects</source>
            <translation>抽样 %1%,%3 个对象中的 %2 个</translation>
        </message>
        <message>
            <source>Last verified %1 (%2)</source>
            <translation>上次校验于 %1(%2)</translation>
        </message>
        <message>
            <source>%1: intact</source>
            <translation>%1:完好</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>Protected: no prune removes it, and deleting it needs Unprotect first</source>
            <translation>受保护:任何清理都不会删除它,要删除它须先取消保护</translation>
        </message>
        <message>
            <source>Not verified yet (backup-verify, or Verify in the menu)</source>
            <translation>尚未校验(使用 backup-verify,或菜单中的“校验”)</translation>
        </message>
        <message>
            <source>Verified</source>
            <translation>校验结果</translation>
        </message>
        <message>
            <source>until %1</source>
            <translation>直到 %1</translation>
        </message>
        <message>
            <source>Immutable %1: no one holding the backend's keys can delete it, not even Ember; it can be deleted from then on</source>
            <translation>不可变 %1:任何持有该后端密钥的人都无法删除它,Ember 也不能;此后即可删除</translation>
        </message>
        <message>
            <source>Its S3 Object Lock ended %1</source>
            <translation>其 S3 对象锁定已于 %1 结束</translation>
        </message>
        <message>
            <source>Not locked</source>
            <translation>未锁定</translation>
        </message>
        <message>
            <source>Immutable</source>
            <translation>不可变</translation>
        </message>
        <message>
            <source>%1 (key not available)</source>
            <translation>%1(密钥不可用)</translation>
        </message>
        <message>
            <source>Stored in the clear</source>
            <translation>未加密存储</translation>
        </message>
        <message>
            <source>Encrypted (%1) with master key %2</source>
            <translation>已用主密钥 %2 加密(%1)</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>密钥</translation>
        </message>
        <message>
            <source>key not available: backup %1 is encrypted with key %2, which cannot be opened on this host: import it (Keys, or ember-cli key-import FILE) to restore</source>
            <translation>密钥不可用:备份 %1 使用密钥 %2 加密,本机无法打开该密钥:请导入它(“密钥”窗口,或 ember-cli key-import FILE)后再恢复</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CephPage</name>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Ceph RBD</source>
            <translation>Ceph RBD</translation>
        </message>
        <message>
            <source>Backups are stored as RBD images in a pool of a Ceph cluster, in the layout of Cinder's Ceph driver.</source>
            <translation>备份以 RBD 镜像的形式存放在 Ceph 集群的存储池中,布局与 Cinder 的 Ceph 驱动相同。</translation>
        </message>
        <message>
            <source>Cluster</source>
            <translation>集群</translation>
        </message>
        <message>
            <source>Configuration &amp;file:</source>
            <translation>配置文件(&amp;F):</translation>
        </message>
        <message>
            <source>&amp;Monitor addresses:</source>
            <translation>监视器地址(&amp;M):</translation>
        </message>
        <message>
            <source>Ceph Configuration File</source>
            <translation>Ceph 配置文件</translation>
        </message>
        <message>
            <source>10.0.0.1:6789,10.0.0.2:6789</source>
            <translation>10.0.0.1:6789,10.0.0.2:6789</translation>
        </message>
        <message>
            <source>Client &amp;user:</source>
            <translation>客户端用户(&amp;U):</translation>
        </message>
        <message>
            <source>the configuration file's keyring</source>
            <translation>配置文件中指定的密钥环</translation>
        </message>
        <message>
            <source>Ceph Keyring File</source>
            <translation>Ceph 密钥环文件</translation>
        </message>
        <message>
            <source>&amp;Keyring file:</source>
            <translation>密钥环文件(&amp;K):</translation>
        </message>
        <message>
            <source>or the key itself, kept in the keyring</source>
            <translation>或直接填写密钥,保存在系统密钥环中</translation>
        </message>
        <message>
            <source>K&amp;ey:</source>
            <translation>密钥(&amp;E):</translation>
        </message>
        <message>
            <source>Backup Pool</source>
            <translation>备份存储池</translation>
        </message>
        <message>
            <source>&amp;Load Pools</source>
            <translation>加载存储池(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;Pool:</source>
            <translation>存储池(&amp;P):</translation>
        </message>
        <message>
            <source> MiB</source>
            <translation> MiB</translation>
        </message>
        <message>
            <source>&amp;Chunk size:</source>
            <translation>块大小(&amp;C):</translation>
        </message>
        <message>
            <source> KiB</source>
            <translation> KiB</translation>
        </message>
        <message>
            <source>default (the object size)</source>
            <translation>默认(等于对象大小)</translation>
        </message>
        <message>
            <source>Stripe &amp;unit:</source>
            <translation>条带单元(&amp;U):</translation>
        </message>
        <message>
            <source>default (1)</source>
            <translation>默认(1)</translation>
        </message>
        <message>
            <source>Stripe c&amp;ount:</source>
            <translation>条带数(&amp;O):</translation>
        </message>
        <message>
            <source>&amp;Discard bytes beyond the backup's size on restore</source>
            <translation>恢复时丢弃超出备份大小的字节(&amp;D)</translation>
        </message>
        <message>
            <source>empty: keep the stored key, if any</source>
            <translation>留空:保留已存储的密钥(如有)</translation>
        </message>
        <message>
            <source>The Ceph configuration file %1 does not exist.</source>
            <translation>Ceph 配置文件 %1 不存在。</translation>
        </message>
        <message>
            <source>The keyring file %1 does not exist.</source>
            <translation>密钥环文件 %1 不存在。</translation>
        </message>
        <message>
            <source>A pool name may not contain “/” or spaces.</source>
            <translation>存储池名称不能包含“/”或空格。</translation>
        </message>
        <message>
            <source>The chunk size must be a multiple of the stripe unit.</source>
            <translation>块大小必须是条带单元的整数倍。</translation>
        </message>
        <message>
            <source>Connecting to the cluster…</source>
            <translation>正在连接集群…</translation>
        </message>
        <message>
            <source>This build of Ember has no Ceph support.</source>
            <translation>此版本的 Ember 不支持 Ceph。</translation>
        </message>
        <message>
            <source>Could not list the pools: %1</source>
            <translation>无法列出存储池:%1</translation>
        </message>
        <message>
            <source>The cluster has no pools yet.</source>
            <translation>该集群还没有存储池。</translation>
        </message>
        <message numerus="yes">
            <source>%n pool(s) found; “%1” is not one of them.</source>
            <translation>
                <numerusform>找到 %n 个存储池;“%1”不在其中。</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n pool(s) found.</source>
            <translation>
                <numerusform>找到 %n 个存储池。</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ChainPanel</name>
        <message>
            <source>&lt;b&gt;Backup chains&lt;/b&gt;</source>
            <translation>&lt;b&gt;备份链&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Filter backups</source>
            <translation>筛选备份</translation>
        </message>
        <message>
            <source>&lt;b&gt;Backup chains of %1&lt;/b&gt;</source>
            <translation>&lt;b&gt;%1 的备份链&lt;/b&gt;</translation>
        </message>
        <message numerus="yes">
            <source>&lt;b&gt;Backup chains of %n volume(s)&lt;/b&gt;</source>
            <translation>
                <numerusform>&lt;b&gt;%n 个卷的备份链&lt;/b&gt;</numerusform>
            </translation>
        </message>
        <message>
            <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;br&gt;%3, %4&lt;/p&gt;</source>
            <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;br&gt;%3,%4&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p&gt;The next incremental backup will build on %1.&lt;/p&gt;</source>
            <translation>&lt;p&gt;下一个增量备份将基于 %1。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p&gt;Incremental backups: %1&lt;/p&gt;</source>
            <translation>&lt;p&gt;增量备份:%1&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p&gt;Select a backup to see its details.&lt;/p&gt;</source>
            <translation>&lt;p&gt;选择一个备份以查看其详细信息。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p&gt;Select a volume to see its backup chains.&lt;/p&gt;</source>
            <translation>&lt;p&gt;选择一个卷以查看其备份链。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p&gt;&lt;b&gt;Not possible now:&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;当前无法执行:&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudBackupDialog</name>
        <message>
            <source>Back Up %1 in %2</source>
            <translation>在 %2 中备份 %1</translation>
        </message>
        <message>
            <source>Cinder's backup service makes the backup; the jobs panel follows its status until it is available.</source>
            <translation>由 Cinder 的备份服务创建备份;作业面板会跟踪其状态,直到它可用。</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N):</translation>
        </message>
        <message>
            <source>&amp;Description:</source>
            <translation>描述(&amp;D):</translation>
        </message>
        <message>
            <source>the backup service's default</source>
            <translation>备份服务的默认值</translation>
        </message>
        <message>
            <source>&amp;Container:</source>
            <translation>容器(&amp;C):</translation>
        </message>
        <message>
            <source>none: back up the volume itself</source>
            <translation>无:备份卷本身</translation>
        </message>
        <message>
            <source>Back up this snapshot of the volume instead of the volume (its id, as `cinder snapshot-list` shows it)</source>
            <translation>备份卷的此快照而不是卷本身(快照 ID,即 `cinder snapshot-list` 显示的 ID)</translation>
        </message>
        <message>
            <source>From &amp;snapshot:</source>
            <translation>来自快照(&amp;S):</translation>
        </message>
        <message>
            <source>&amp;Incremental (on top of the volume's newest backup)</source>
            <translation>增量(基于卷的最新备份)(&amp;I)</translation>
        </message>
        <message>
            <source>&amp;Force: back up although the volume is in use</source>
            <translation>强制:即使卷正在使用中也进行备份(&amp;F)</translation>
        </message>
        <message>
            <source>Cinder backs up an attached volume only with force; the backup then holds what was on the disk at that moment, not what the server still has in memory.</source>
            <translation>Cinder 只有在强制时才备份已挂载的卷;备份中保存的是当时磁盘上的内容,而不是服务器内存中尚未写入的内容。</translation>
        </message>
        <message>
            <source>Cinder takes it on top of %1 (the newest available backup).</source>
            <translation>Cinder 会基于 %1(最新的可用备份)创建它。</translation>
        </message>
        <message>
            <source>Back &amp;Up</source>
            <translation>备份(&amp;U)</translation>
        </message>
        <message>
            <source>The cloud is no longer shown.</source>
            <translation>该云已不再显示。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudImportDialog</name>
        <message>
            <source>Import a Backup Record into %1</source>
            <translation>将备份记录导入 %1</translation>
        </message>
        <message>
            <source>Paste a record as `cinder backup-export` (or Ember's Export Record) prints it. Cinder then knows the backup and can restore it, provided its backup service reaches the stored data.</source>
            <translation>粘贴 `cinder backup-export`(或 Ember 的“导出记录”)输出的记录。之后 Cinder 便知道该备份,只要其备份服务能访问存储的数据,就能恢复它。</translation>
        </message>
        <message>
            <source>Backup &amp;service:</source>
            <translation>备份服务(&amp;S):</translation>
        </message>
        <message>
            <source>Backup &amp;URL:</source>
            <translation>备份 URL(&amp;U):</translation>
        </message>
        <message>
            <source>&amp;Import</source>
            <translation>导入(&amp;I)</translation>
        </message>
        <message>
            <source>Both parts of the record are needed.</source>
            <translation>需要记录的两个部分。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudRestoreDialog</name>
        <message>
            <source>Restore %1</source>
            <translation>恢复 %1</translation>
        </message>
        <message>
            <source>Cinder restores the backup's whole chain (%1 GiB) into the volume you choose; the jobs panel follows it.</source>
            <translation>Cinder 会将备份的整条链(%1 GiB)恢复到您选择的卷中;作业面板会跟踪进度。</translation>
        </message>
        <message>
            <source>To a &amp;new volume named:</source>
            <translation>到新卷,名称为(&amp;N):</translation>
        </message>
        <message>
            <source>restore of %1</source>
            <translation>%1 的恢复</translation>
        </message>
        <message>
            <source>To an &amp;existing volume (its data is replaced):</source>
            <translation>到现有卷(其数据将被替换)(&amp;E):</translation>
        </message>
        <message>
            <source>%1 (%2 GiB, %3)</source>
            <translation>%1(%2 GiB,%3)</translation>
        </message>
        <message>
            <source>&amp;Restore</source>
            <translation>恢复(&amp;R)</translation>
        </message>
        <message>
            <source>The cloud is no longer shown.</source>
            <translation>该云已不再显示。</translation>
        </message>
        <message>
            <source>Choose the volume to restore into.</source>
            <translation>请选择要恢复到的卷。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudSource</name>
        <message>
            <source>%1 needs the admin role on %2 (Cinder's policy allows it to admins only).</source>
            <translation>%1 需要 %2 上的管理员角色(Cinder 的策略只允许管理员执行)。</translation>
        </message>
        <message>
            <source>Volume %1 is not in %2's list (deleted, or another project).</source>
            <translation>卷 %1 不在 %2 的列表中(已删除,或属于其他项目)。</translation>
        </message>
        <message>
            <source>Maximum number of backups allowed (%1) exceeded</source>
            <translation>已超出允许的最大备份数(%1)</translation>
        </message>
        <message>
            <source>Requested backup exceeds allowed Backup gigabytes quota. Requested %1G, quota is %2G and %3G has been consumed.</source>
            <translation>请求的备份超出了允许的备份容量配额。请求 %1G,配额为 %2G,已使用 %3G。</translation>
        </message>
        <message>
            <source>Incremental backup of %1</source>
            <translation>%1 的增量备份</translation>
        </message>
        <message>
            <source>Full backup of %1</source>
            <translation>%1 的完整备份</translation>
        </message>
        <message>
            <source>Cinder accepted backup %1</source>
            <translation>Cinder 已接受备份 %1</translation>
        </message>
        <message>
            <source>backup</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>Backup %1 ended in %2: %3</source>
            <translation>备份 %1 结束于 %2:%3</translation>
        </message>
        <message>
            <source>Cinder gives no reason</source>
            <translation>Cinder 未给出原因</translation>
        </message>
        <message>
            <source>backup %1 available</source>
            <translation>备份 %1 可用</translation>
        </message>
        <message>
            <source>Backup %1 is not in %2's list.</source>
            <translation>备份 %1 不在 %2 的列表中。</translation>
        </message>
        <message>
            <source>Backup status must be available, but is "%1".</source>
            <translation>备份状态必须为 available,但当前为“%1”。</translation>
        </message>
        <message>
            <source>Volume %1 is not in %2's list.</source>
            <translation>卷 %1 不在 %2 的列表中。</translation>
        </message>
        <message>
            <source>a new volume</source>
            <translation>新卷</translation>
        </message>
        <message>
            <source>Restore %1 to %2</source>
            <translation>将 %1 恢复到 %2</translation>
        </message>
        <message>
            <source>Cinder restores into volume %1 (%2)</source>
            <translation>Cinder 正在恢复到卷 %1(%2)</translation>
        </message>
        <message>
            <source>volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Restore into volume %1 ended in %2.</source>
            <translation>恢复到卷 %1 结束于 %2。</translation>
        </message>
        <message>
            <source>restored into volume %1</source>
            <translation>已恢复到卷 %1</translation>
        </message>
        <message>
            <source>Force delete</source>
            <translation>强制删除</translation>
        </message>
        <message>
            <source>Incremental backups exist for this backup.</source>
            <translation>此备份存在增量备份。</translation>
        </message>
        <message>
            <source>Delete %1 first (chains are deleted newest first).</source>
            <translation>请先删除 %1(备份链从最新的开始删除)。</translation>
        </message>
        <message>
            <source>Force delete %1</source>
            <translation>强制删除 %1</translation>
        </message>
        <message>
            <source>Delete %1</source>
            <translation>删除 %1</translation>
        </message>
        <message>
            <source>Deleting backup %1 ended in %2%3</source>
            <translation>删除备份 %1 结束于 %2%3</translation>
        </message>
        <message>
            <source>backup %1 deleted</source>
            <translation>备份 %1 已删除</translation>
        </message>
        <message>
            <source>Rename %1 to %2</source>
            <translation>将 %1 重命名为 %2</translation>
        </message>
        <message>
            <source>name: %1</source>
            <translation>名称:%1</translation>
        </message>
        <message>
            <source>backup %1 updated</source>
            <translation>备份 %1 已更新</translation>
        </message>
        <message>
            <source>Reset-state</source>
            <translation>重置状态</translation>
        </message>
        <message>
            <source>Reset-state of %1 to %2</source>
            <translation>将 %1 的状态重置为 %2</translation>
        </message>
        <message>
            <source>backup %1 → %2</source>
            <translation>备份 %1 → %2</translation>
        </message>
        <message>
            <source>backup %1 is %2</source>
            <translation>备份 %1 为 %2</translation>
        </message>
        <message>
            <source>Export-record</source>
            <translation>导出记录</translation>
        </message>
        <message>
            <source>Export record of %1</source>
            <translation>导出 %1 的记录</translation>
        </message>
        <message>
            <source>service %1</source>
            <translation>服务 %1</translation>
        </message>
        <message>
            <source>record of backup %1 exported</source>
            <translation>备份 %1 的记录已导出</translation>
        </message>
        <message>
            <source>Import-record</source>
            <translation>导入记录</translation>
        </message>
        <message>
            <source>Backup %1 already exists in %2: Cinder imports a record only once.</source>
            <translation>备份 %1 已存在于 %2 中:Cinder 只导入一次记录。</translation>
        </message>
        <message>
            <source>Import record of %1</source>
            <translation>导入 %1 的记录</translation>
        </message>
        <message>
            <source>Import of backup %1 ended in %2.</source>
            <translation>备份 %1 的导入结束于 %2。</translation>
        </message>
        <message>
            <source>backup %1 imported</source>
            <translation>备份 %1 已导入</translation>
        </message>
        <message>
            <source>Cinder left backup %1 in %2 for %3 s (asked: %4): no backup service applied the reset; check that cinder-backup runs for its availability zone.</source>
            <translation>Cinder 使备份 %1 保持为 %2 达 %3 秒(请求的是 %4):没有备份服务执行该重置;请检查其可用区是否运行着 cinder-backup。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudTestPage</name>
        <message>
            <source>signed in as %1 in project %2</source>
            <translation>已以 %1 身份登录项目 %2</translation>
        </message>
        <message>
            <source>Block Storage API %1</source>
            <translation>块存储 API %1</translation>
        </message>
        <message>
            <source>volumes in the project: %1</source>
            <translation>项目中的卷:%1</translation>
        </message>
        <message>
            <source>volumes on the first page: %1 (there are more)</source>
            <translation>第一页上的卷:%1(还有更多)</translation>
        </message>
        <message>
            <source>Failed.</source>
            <translation>失败。</translation>
        </message>
        <message>
            <source>Sign in to Keystone</source>
            <translation>登录 Keystone</translation>
        </message>
        <message>
            <source>Find the block-storage endpoint</source>
            <translation>查找块存储端点</translation>
        </message>
        <message>
            <source>Read the API version</source>
            <translation>读取 API 版本</translation>
        </message>
        <message>
            <source>List volumes</source>
            <translation>列出卷</translation>
        </message>
        <message>
            <source>Wrong application credential or secret, or it has expired.</source>
            <translation>应用凭据或机密错误,或已过期。</translation>
        </message>
        <message>
            <source>Wrong password, user name or project.</source>
            <translation>密码、用户名或项目错误。</translation>
        </message>
        <message>
            <source>The application credential has expired.</source>
            <translation>应用凭据已过期。</translation>
        </message>
        <message>
            <source>Missing role: the cloud does not allow this user to do that.</source>
            <translation>缺少角色:该云不允许此用户执行此操作。</translation>
        </message>
        <message>
            <source>Unreachable: nothing answers at that address.</source>
            <translation>无法访问:该地址没有响应。</translation>
        </message>
        <message>
            <source>Untrusted certificate: choose the cloud's CA certificate file.</source>
            <translation>证书不受信任:请选择该云的 CA 证书文件。</translation>
        </message>
        <message>
            <source>No block-storage endpoint for this region and interface.</source>
            <translation>此区域和接口没有块存储端点。</translation>
        </message>
        <message>
            <source>Not found: check the Keystone URL.</source>
            <translation>未找到:请检查 Keystone URL。</translation>
        </message>
        <message>
            <source>The cloud's Block Storage API is too old.</source>
            <translation>该云的块存储 API 版本太旧。</translation>
        </message>
        <message>
            <source>The cloud failed to answer (server error).</source>
            <translation>该云未能应答(服务器错误)。</translation>
        </message>
        <message>
            <source>Not the answer of an OpenStack cloud: check the Keystone URL.</source>
            <translation>这不是 OpenStack 云的应答:请检查 Keystone URL。</translation>
        </message>
        <message>
            <source>The cloud refused the request.</source>
            <translation>该云拒绝了请求。</translation>
        </message>
        <message>
            <source>Test and Save</source>
            <translation>测试并保存</translation>
        </message>
        <message>
            <source>Name the cloud and test the connection. Finish saves it in clouds.yaml, the file every OpenStack tool reads.</source>
            <translation>为云命名并测试连接。“完成”会将其保存到 clouds.yaml,即所有 OpenStack 工具都会读取的文件。</translation>
        </message>
        <message>
            <source>e.g. production</source>
            <translation>例如 production</translation>
        </message>
        <message>
            <source>Cloud &amp;name:</source>
            <translation>云名称(&amp;N):</translation>
        </message>
        <message>
            <source>&amp;Test Connection</source>
            <translation>测试连接(&amp;T)</translation>
        </message>
        <message>
            <source>Step</source>
            <translation>步骤</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Connected</source>
            <translation>已连接</translation>
        </message>
        <message>
            <source>User:</source>
            <translation>用户:</translation>
        </message>
        <message>
            <source>Project:</source>
            <translation>项目:</translation>
        </message>
        <message>
            <source>Roles:</source>
            <translation>角色:</translation>
        </message>
        <message>
            <source>Block Storage API:</source>
            <translation>块存储 API:</translation>
        </message>
        <message>
            <source>not tested yet</source>
            <translation>尚未测试</translation>
        </message>
        <message>
            <source>—</source>
            <translation>—</translation>
        </message>
        <message>
            <source>testing…</source>
            <translation>正在测试…</translation>
        </message>
        <message>
            <source>waiting…</source>
            <translation>等待中…</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>正在测试…</translation>
        </message>
        <message>
            <source>not tried</source>
            <translation>未尝试</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>%1 — an administrator: sees and manages every project's backups</source>
            <translation>%1 — 管理员:可查看和管理所有项目的备份</translation>
        </message>
        <message>
            <source>%1 — not an administrator: sees this project's backups only</source>
            <translation>%1 — 非管理员:只能查看此项目的备份</translation>
        </message>
        <message>
            <source>%1 at %2</source>
            <translation>%2 上的 %1</translation>
        </message>
        <message>
            <source>The connection works. Finish saves the cloud.</source>
            <translation>连接正常。“完成”会保存该云。</translation>
        </message>
        <message>
            <source>The test failed: fix the settings (Back) and test again.</source>
            <translation>测试失败:请修正设置(上一步)后重新测试。</translation>
        </message>
        <message>
            <source>Saved as “%1” in %2; the secret goes to the OS keyring.</source>
            <translation>以“%1”保存到 %2;机密保存在系统密钥环中。</translation>
        </message>
        <message>
            <source>…</source>
            <translation>…</translation>
        </message>
        <message>
            <source>Finish replaces the entry “%1” in %2; the secret goes to the OS keyring.</source>
            <translation>“完成”会替换 %2 中的条目“%1”;机密保存在系统密钥环中。</translation>
        </message>
        <message>
            <source>A cloud name starts with a letter or digit and holds only letters, digits, “.”, “_” and “-”.</source>
            <translation>云名称以字母或数字开头,只能包含字母、数字、“.”、“_”和“-”。</translation>
        </message>
        <message>
            <source>“envvars” is the cloud of the OS_* variables: choose another name.</source>
            <translation>“envvars”是 OS_* 变量对应的云:请选择其他名称。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudWherePage</name>
        <message>
            <source>%1 (%2)</source>
            <translation>%1(%2)</translation>
        </message>
        <message>
            <source>Where is the cloud?</source>
            <translation>云在哪里?</translation>
        </message>
        <message>
            <source>Ember signs in to the cloud's Keystone and manages backups through its Block Storage (Cinder) API.</source>
            <translation>Ember 登录该云的 Keystone,并通过其块存储(Cinder)API 管理备份。</translation>
        </message>
        <message>
            <source>a new cloud</source>
            <translation>新的云</translation>
        </message>
        <message>
            <source>&amp;Start from:</source>
            <translation>起点(&amp;S):</translation>
        </message>
        <message>
            <source>https://keystone.example.com:5000/v3</source>
            <translation>https://keystone.example.com:5000/v3</translation>
        </message>
        <message>
            <source>Keystone &amp;URL:</source>
            <translation>Keystone URL(&amp;U):</translation>
        </message>
        <message>
            <source>any region</source>
            <translation>任意区域</translation>
        </message>
        <message>
            <source>&amp;Region:</source>
            <translation>区域(&amp;R):</translation>
        </message>
        <message>
            <source>public</source>
            <translation>public</translation>
        </message>
        <message>
            <source>internal</source>
            <translation>internal</translation>
        </message>
        <message>
            <source>admin</source>
            <translation>admin</translation>
        </message>
        <message>
            <source>&amp;Interface:</source>
            <translation>接口(&amp;I):</translation>
        </message>
        <message>
            <source>Warning: without certificate checks anyone between Ember and the cloud can read the password and the token, or change the cloud's answers. Use a CA certificate file instead.</source>
            <translation>警告:不检查证书时,Ember 与云之间的任何人都能读取密码和令牌,或篡改云的应答。请改用 CA 证书文件。</translation>
        </message>
        <message>
            <source>The Keystone URL must be an http:// or https:// address, e.g. %1.</source>
            <translation>Keystone URL 必须是 http:// 或 https:// 地址,例如 %1。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudWhoPage</name>
        <message>
            <source>name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>ID</source>
            <translation>ID</translation>
        </message>
        <message>
            <source>Who signs in?</source>
            <translation>由谁登录?</translation>
        </message>
        <message>
            <source>A user with a password, or an application credential. The password or secret is kept in the OS keyring, never in clouds.yaml.</source>
            <translation>使用密码的用户,或应用凭据。密码或机密保存在系统密钥环中,绝不写入 clouds.yaml。</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Application credential</source>
            <translation>应用凭据</translation>
        </message>
        <message>
            <source>&amp;Sign in with:</source>
            <translation>登录方式(&amp;S):</translation>
        </message>
        <message>
            <source>Application &amp;credential:</source>
            <translation>应用凭据(&amp;C):</translation>
        </message>
        <message>
            <source>kept in the keyring</source>
            <translation>保存在密钥环中</translation>
        </message>
        <message>
            <source>S&amp;ecret:</source>
            <translation>机密(&amp;E):</translation>
        </message>
        <message>
            <source>&amp;User:</source>
            <translation>用户(&amp;U):</translation>
        </message>
        <message>
            <source>User &amp;domain:</source>
            <translation>用户域(&amp;D):</translation>
        </message>
        <message>
            <source>&amp;Password:</source>
            <translation>密码(&amp;P):</translation>
        </message>
        <message>
            <source>P&amp;roject:</source>
            <translation>项目(&amp;R):</translation>
        </message>
        <message>
            <source>Project d&amp;omain:</source>
            <translation>项目域(&amp;O):</translation>
        </message>
        <message>
            <source>The project decides which volumes and backups Ember sees; an admin role shows every project's.</source>
            <translation>项目决定 Ember 能看到哪些卷和备份;管理员角色可看到所有项目的。</translation>
        </message>
        <message>
            <source>An application credential signs in to the project it was made in, with the roles it was given.</source>
            <translation>应用凭据会以其被授予的角色登录创建它的项目。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CloudWizard</name>
        <message>
            <source>OpenStack Cloud</source>
            <translation>OpenStack 云</translation>
        </message>
        <message>
            <source>Save Cloud</source>
            <translation>保存云</translation>
        </message>
        <message>
            <source>This build has no keyring support, so the secret cannot be kept and the cloud was not saved.</source>
            <translation>此版本不支持密钥环,因此无法保存机密,云未保存。</translation>
        </message>
        <message>
            <source>The secret could not be stored in the keyring, so the cloud was not saved: %1</source>
            <translation>机密无法保存到密钥环,因此云未保存:%1</translation>
        </message>
        <message>
            <source>The cloud could not be written to %1: %2</source>
            <translation>无法将云写入 %1:%2</translation>
        </message>
        <message>
            <source>The cloud's secret could not be read from the keyring: %1. Type it again.</source>
            <translation>无法从密钥环读取该云的机密:%1。请重新输入。</translation>
        </message>
        <message>
            <source>The configured clouds could not be read: %1</source>
            <translation>无法读取已配置的云:%1</translation>
        </message>
        <message>
            <source>Skipped: %1</source>
            <translation>已跳过:%1</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ConnectionTestWidget</name>
        <message>
            <source>Check</source>
            <translation>检查项</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>waiting…</source>
            <translation>等待中…</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>正在测试…</translation>
        </message>
        <message>
            <source>ok</source>
            <translation>正常</translation>
        </message>
        <message>
            <source>All checks passed.</source>
            <translation>所有检查均已通过。</translation>
        </message>
        <message numerus="yes">
            <source>%n check(s) failed: fix the settings and test again.</source>
            <translation>
                <numerusform>%n 项检查失败:请修正设置后重新测试。</numerusform>
            </translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>正在连接</translation>
        </message>
        <message>
            <source>Found</source>
            <translation>发现</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CreateBackupDialog</name>
        <message>
            <source>Create Backup of %1</source>
            <translation>创建 %1 的备份</translation>
        </message>
        <message>
            <source>optional</source>
            <translation>可选</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N):</translation>
        </message>
        <message>
            <source>&amp;Description:</source>
            <translation>描述(&amp;D):</translation>
        </message>
        <message>
            <source>%1 (default)</source>
            <translation>%1(默认)</translation>
        </message>
        <message>
            <source>&amp;Backend:</source>
            <translation>后端(&amp;B):</translation>
        </message>
        <message>
            <source>the backend's default</source>
            <translation>后端的默认值</translation>
        </message>
        <message>
            <source>&amp;Container:</source>
            <translation>容器(&amp;C):</translation>
        </message>
        <message>
            <source>&amp;Incremental: store only what changed since the parent</source>
            <translation>增量:只保存自父备份以来的更改(&amp;I)</translation>
        </message>
        <message>
            <source>&amp;Force: back up although the volume is in use</source>
            <translation>强制:即使卷正在使用中也进行备份(&amp;F)</translation>
        </message>
        <message>
            <source>Create Backup</source>
            <translation>创建备份</translation>
        </message>
        <message>
            <source>No backups available to do an incremental backup.</source>
            <translation>没有可用于增量备份的备份。</translation>
        </message>
        <message>
            <source>The parent backup %1 is stored on backend “%2”; choose that backend for an incremental backup.</source>
            <translation>父备份 %1 存储在后端“%2”上;要进行增量备份,请选择该后端。</translation>
        </message>
        <message>
            <source>Parent: %1. Restoring the new backup will also read it.</source>
            <translation>父备份:%1。恢复新备份时也会读取它。</translation>
        </message>
        <message>
            <source>An incremental backup would be taken on top of %1.</source>
            <translation>增量备份将基于 %1 进行。</translation>
        </message>
        <message>
            <source>This volume is in use. Data that changes while it is read may be inconsistent in the backup (as with Cinder's --force); stop the applications writing to it, or check Force to accept that.</source>
            <translation>此卷正在使用中。读取期间发生变化的数据在备份中可能不一致(与 Cinder 的 --force 相同);请停止向其写入的应用程序,或勾选“强制”以接受这一点。</translation>
        </message>
        <message>
            <source>The volume is busy: %1 running since %2.</source>
            <translation>卷正忙:%1 自 %2 起运行中。</translation>
        </message>
        <message>
            <source>Configure a backend first.</source>
            <translation>请先配置后端。</translation>
        </message>
        <message>
            <source>The volume is in use: check Force to back it up anyway.</source>
            <translation>卷正在使用中:勾选“强制”即可仍然备份。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::DashboardPanel</name>
        <message>
            <source>Schedule %1 cannot be checked: %2</source>
            <translation>无法检查计划 %1:%2</translation>
        </message>
        <message>
            <source>Overdue: schedule %1 was due at %2 and no backup has succeeded since (grace %3 passed).</source>
            <translation>已逾期:计划 %1 应于 %2 运行,此后没有成功的备份(已超过 %3 的宽限期)。</translation>
        </message>
        <message>
            <source>Schedule %1: the run due at %2 is backed up.</source>
            <translation>计划 %1:应于 %2 进行的运行已备份完成。</translation>
        </message>
        <message>
            <source>Schedule %1 has not been due yet.</source>
            <translation>计划 %1 尚未到运行时间。</translation>
        </message>
        <message>
            <source>No enabled schedule: the age is shown, never judged.</source>
            <translation>没有已启用的计划:只显示上次备份距今的时间,不判断是否逾期。</translation>
        </message>
        <message>
            <source>%1 s</source>
            <translation>%1 秒</translation>
        </message>
        <message>
            <source>%1 min</source>
            <translation>%1 分钟</translation>
        </message>
        <message>
            <source>%1 h</source>
            <translation>%1 小时</translation>
        </message>
        <message>
            <source>1 day</source>
            <translation>1 天</translation>
        </message>
        <message>
            <source>%1 days</source>
            <translation>%1 天</translation>
        </message>
        <message>
            <source>Reading the catalog…</source>
            <translation>正在读取目录…</translation>
        </message>
        <message>
            <source>Nothing to show yet.

Add a volume and back it up on the Volumes page; add a schedule on the Schedules page to have backups made by themselves. Their ages, failures, stored bytes and next runs then appear here.</source>
            <translation>暂无可显示的内容。

请在“卷”页面添加卷并备份;在“计划”页面添加计划,即可自动进行备份。之后,这里会显示上次备份距今的时间、失败、已存储的字节数和接下来的运行。</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Last success</source>
            <translation>上次成功</translation>
        </message>
        <message>
            <source>Age</source>
            <translation>距今</translation>
        </message>
        <message>
            <source>Schedule</source>
            <translation>计划</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Job</source>
            <translation>任务</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Double-click a failure to see it in the history.</source>
            <translation>双击某个失败项即可在历史记录中查看。</translation>
        </message>
        <message>
            <source>Volumes</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <source>Volumes: last successful backup</source>
            <translation>卷:上次成功的备份</translation>
        </message>
        <message>
            <source>Stored bytes per backend</source>
            <translation>各后端已存储的字节数</translation>
        </message>
        <message>
            <source>Failures of the last %1 days</source>
            <translation>最近 %1 天的失败</translation>
        </message>
        <message>
            <source>Next runs</source>
            <translation>接下来的运行</translation>
        </message>
        <message>
            <source>The overview could not be read: %1</source>
            <translation>无法读取概览:%1</translation>
        </message>
        <message>
            <source>%1 of %2 volumes overdue</source>
            <translation>%2 个卷中有 %1 个已逾期</translation>
        </message>
        <message>
            <source>1 volume, not overdue</source>
            <translation>1 个卷,未逾期</translation>
        </message>
        <message>
            <source>%1 volumes, none overdue</source>
            <translation>%1 个卷,均未逾期</translation>
        </message>
        <message>
            <source>1 failure in %1 days</source>
            <translation>%1 天内失败 1 次</translation>
        </message>
        <message>
            <source>%1 failures in %2 days</source>
            <translation>%2 天内失败 %1 次</translation>
        </message>
        <message>
            <source>no failures in %1 days</source>
            <translation>%1 天内没有失败</translation>
        </message>
        <message>
            <source>next run %1 (%2)</source>
            <translation>下次运行 %1(%2)</translation>
        </message>
        <message>
            <source>no scheduled runs</source>
            <translation>没有计划的运行</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>interrupted: %1</source>
            <translation>已中断:%1</translation>
        </message>
        <message>
            <source>the process ended</source>
            <translation>进程已结束</translation>
        </message>
        <message>
            <source>No job failed in the last %1 days.</source>
            <translation>最近 %1 天内没有失败的任务。</translation>
        </message>
        <message>
            <source>%1 (in %2)</source>
            <translation>%1(%2后)</translation>
        </message>
        <message>
            <source>%1 to %2</source>
            <translation>%1,存入 %2</translation>
        </message>
        <message>
            <source>No enabled schedule: add one on the Schedules page.</source>
            <translation>没有已启用的计划:请在“计划”页面添加。</translation>
        </message>
        <message>
            <source>Stored (%1)</source>
            <translation>已存储(%1)</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::EditBackupDialog</name>
        <message>
            <source>Edit Backup</source>
            <translation>编辑备份</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N):</translation>
        </message>
        <message>
            <source>&amp;Description:</source>
            <translation>描述(&amp;D):</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::EncryptionPage</name>
        <message>
            <source>Encryption</source>
            <translation>加密</translation>
        </message>
        <message>
            <source>Encrypt backups at rest with a master key kept in this host's keyring.</source>
            <translation>使用保存在本机密钥环中的主密钥对静态备份加密。</translation>
        </message>
        <message>
            <source>&amp;Encrypt backups (AES-256-GCM)</source>
            <translation>加密备份(AES-256-GCM)(&amp;E)</translation>
        </message>
        <message>
            <source>&lt;b&gt;A lost key means lost backups.&lt;/b&gt; Nobody, not even Ember, can restore an encrypted backup without its master key: export the key or print the paper key and keep it away from this host before the first backup. Cinder cannot restore encrypted backups.</source>
            <translation>&lt;b&gt;丢失密钥即丢失备份。&lt;/b&gt;没有主密钥,任何人(包括 Ember)都无法恢复加密的备份:请在第一次备份前导出密钥或打印纸质密钥,并将其保存在本机以外的地方。Cinder 无法恢复加密的备份。</translation>
        </message>
        <message>
            <source>&amp;New Key…</source>
            <translation>新建密钥(&amp;N)…</translation>
        </message>
        <message>
            <source>Master &amp;key:</source>
            <translation>主密钥(&amp;K):</translation>
        </message>
        <message>
            <source>E&amp;xport Key…</source>
            <translation>导出密钥(&amp;X)…</translation>
        </message>
        <message>
            <source>&amp;Print Paper Key…</source>
            <translation>打印纸质密钥(&amp;P)…</translation>
        </message>
        <message>
            <source>New Key</source>
            <translation>新建密钥</translation>
        </message>
        <message>
            <source>A label for the new AES-256 key (e.g. prod backups 2026):</source>
            <translation>新 AES-256 密钥的标签(例如 prod backups 2026):</translation>
        </message>
        <message>
            <source>Export Key</source>
            <translation>导出密钥</translation>
        </message>
        <message>
            <source>Key files (*.key)</source>
            <translation>密钥文件 (*.key)</translation>
        </message>
        <message>
            <source>Print Paper Key</source>
            <translation>打印纸质密钥</translation>
        </message>
        <message>
            <source>PDF files (*.pdf)</source>
            <translation>PDF 文件 (*.pdf)</translation>
        </message>
        <message>
            <source> (public only: this host cannot restore)</source>
            <translation>(仅公钥:本机无法恢复)</translation>
        </message>
        <message>
            <source>(no key yet: create one)</source>
            <translation>(尚无密钥:请新建一个)</translation>
        </message>
        <message>
            <source>%1 (not on this host)</source>
            <translation>%1(不在本机)</translation>
        </message>
        <message>
            <source>A copy of this key exists outside this host.</source>
            <translation>此密钥在本机以外已有副本。</translation>
        </message>
        <message>
            <source>This key has no copy outside this host yet.</source>
            <translation>此密钥在本机以外尚无副本。</translation>
        </message>
        <message>
            <source>Choose a master key or create a new one.</source>
            <translation>请选择主密钥或新建一个。</translation>
        </message>
        <message>
            <source>key not available: %1 is not in this host's key store; import it in Keys… first.</source>
            <translation>密钥不可用:%1 不在本机的密钥库中;请先在“密钥…”中导入。</translation>
        </message>
        <message>
            <source>Export the key or print the paper key before encrypting with it: a lost key means lost backups.</source>
            <translation>用此密钥加密前请先导出密钥或打印纸质密钥:丢失密钥即丢失备份。</translation>
        </message>
        <message>
            <source>The key could not be created: %1</source>
            <translation>无法创建密钥:%1</translation>
        </message>
        <message>
            <source>Wrote %1. Keep it somewhere safe, away from this host.</source>
            <translation>已写入 %1。请将其保存在本机以外的安全地方。</translation>
        </message>
        <message>
            <source>The key could not be exported: %1</source>
            <translation>无法导出密钥:%1</translation>
        </message>
        <message>
            <source>The paper key could not be written: %1</source>
            <translation>无法写入纸质密钥:%1</translation>
        </message>
        <message>
            <source>Wrote %1, which cannot restore backups: export the whole key.</source>
            <translation>已写入 %1,但它无法恢复备份:请导出完整密钥。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ExportRecordDialog</name>
        <message>
            <source>Backup Record of %1</source>
            <translation>%1 的备份记录</translation>
        </message>
        <message>
            <source>Import this record into Cinder (cinder backup-import) or another Ember catalog to make the backup known there.</source>
            <translation>将此记录导入 Cinder(cinder backup-import)或另一个 Ember 目录,即可在那里使用此备份。</translation>
        </message>
        <message>
            <source>backup_service:</source>
            <translation>backup_service:</translation>
        </message>
        <message>
            <source>backup_url:</source>
            <translation>backup_url:</translation>
        </message>
        <message>
            <source>&amp;Copy to Clipboard</source>
            <translation>复制到剪贴板(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Save to File…</source>
            <translation>保存到文件(&amp;S)…</translation>
        </message>
        <message>
            <source>Save Backup Record</source>
            <translation>保存备份记录</translation>
        </message>
        <message>
            <source>Backup records (*.json)</source>
            <translation>备份记录 (*.json)</translation>
        </message>
        <message>
            <source>Could not write %1: %2</source>
            <translation>无法写入 %1:%2</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::GeneralPage</name>
        <message>
            <source>Backend</source>
            <translation>后端</translation>
        </message>
        <message>
            <source>Name the backend and choose where it keeps backups.</source>
            <translation>为后端命名并选择其保存备份的位置。</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N):</translation>
        </message>
        <message>
            <source>not configurable in this version</source>
            <translation>此版本中无法配置</translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>Local directory</source>
            <translation>本地目录</translation>
        </message>
        <message>
            <source>&amp;Type:</source>
            <translation>类型(&amp;T):</translation>
        </message>
        <message>
            <source>Use for new backups by &amp;default</source>
            <translation>默认用于新备份(&amp;D)</translation>
        </message>
        <message>
            <source>A backend name may not contain “/” or spaces.</source>
            <translation>后端名称不能包含“/”或空格。</translation>
        </message>
        <message>
            <source>A backend named “%1” exists already.</source>
            <translation>名为“%1”的后端已存在。</translation>
        </message>
        <message>
            <source>This backend type cannot be configured here.</source>
            <translation>此类后端无法在此配置。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::HistoryModel</name>
        <message>
            <source>Started</source>
            <translation>开始时间</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>种类</translation>
        </message>
        <message>
            <source>Job</source>
            <translation>任务</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Duration</source>
            <translation>耗时</translation>
        </message>
        <message>
            <source>Read</source>
            <translation>读取量</translation>
        </message>
        <message>
            <source>Stored</source>
            <translation>已存储</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>速率</translation>
        </message>
        <message>
            <source>Origin</source>
            <translation>来源</translation>
        </message>
        <message>
            <source>Reason / outcome</source>
            <translation>原因 / 结果</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::HistoryPanel</name>
        <message>
            <source>All volumes</source>
            <translation>所有卷</translation>
        </message>
        <message>
            <source>All results</source>
            <translation>所有结果</translation>
        </message>
        <message>
            <source>Last 30 days</source>
            <translation>最近 30 天</translation>
        </message>
        <message>
            <source>All time</source>
            <translation>全部时间</translation>
        </message>
        <message>
            <source>Between dates</source>
            <translation>日期范围</translation>
        </message>
        <message>
            <source>Jobs started on or after this day</source>
            <translation>在此日期或之后开始的任务</translation>
        </message>
        <message>
            <source>Jobs started on or before this day</source>
            <translation>在此日期或之前开始的任务</translation>
        </message>
        <message>
            <source>from</source>
            <translation>从</translation>
        </message>
        <message>
            <source>to</source>
            <translation>到</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>导出 CSV…</translation>
        </message>
        <message>
            <source>Save the jobs the filters select as a CSV file</source>
            <translation>将筛选出的任务保存为 CSV 文件</translation>
        </message>
        <message>
            <source>Export Job History</source>
            <translation>导出任务历史记录</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <source>The selected job's log</source>
            <translation>所选任务的日志</translation>
        </message>
        <message>
            <source>History not loaded: %1</source>
            <translation>历史记录未加载:%1</translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) saved to %1</source>
            <translation>
                <numerusform>已将 %n 个任务保存到 %1</numerusform>
            </translation>
        </message>
        <message>
            <source>Export failed: %1</source>
            <translation>导出失败:%1</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>正在保存…</translation>
        </message>
        <message>
            <source>Loading the history…</source>
            <translation>正在加载历史记录…</translation>
        </message>
        <message numerus="yes">
            <source>%1 of %n job(s)</source>
            <translation>
                <numerusform>%n 个任务中的 %1 个</numerusform>
            </translation>
        </message>
        <message>
            <source>Job %1 is no longer in the history.</source>
            <translation>任务 %1 已不在历史记录中。</translation>
        </message>
        <message>
            <source>Job</source>
            <translation>任务</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>种类</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Origin</source>
            <translation>来源</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Backup</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>Backend</source>
            <translation>后端</translation>
        </message>
        <message>
            <source>Cloud</source>
            <translation>云</translation>
        </message>
        <message>
            <source>Schedule</source>
            <translation>计划</translation>
        </message>
        <message>
            <source>Started</source>
            <translation>开始时间</translation>
        </message>
        <message>
            <source>Finished</source>
            <translation>结束时间</translation>
        </message>
        <message>
            <source>Duration</source>
            <translation>耗时</translation>
        </message>
        <message>
            <source>Read</source>
            <translation>读取量</translation>
        </message>
        <message>
            <source>Stored</source>
            <translation>已存储</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>速率</translation>
        </message>
        <message>
            <source>Process</source>
            <translation>进程</translation>
        </message>
        <message>
            <source>History id</source>
            <translation>历史记录 ID</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ImportRecordDialog</name>
        <message>
            <source>Import Backup Record</source>
            <translation>导入备份记录</translation>
        </message>
        <message>
            <source>Paste a record exported by Cinder (cinder backup-export) or Ember, or load it from a file.</source>
            <translation>粘贴由 Cinder(cinder backup-export)或 Ember 导出的记录,或从文件加载。</translation>
        </message>
        <message>
            <source>backup_service:</source>
            <translation>backup_service:</translation>
        </message>
        <message>
            <source>backup_url:</source>
            <translation>backup_url:</translation>
        </message>
        <message>
            <source>Into &amp;backend:</source>
            <translation>导入到后端(&amp;B):</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>导入</translation>
        </message>
        <message>
            <source>&amp;Load from File…</source>
            <translation>从文件加载(&amp;L)…</translation>
        </message>
        <message>
            <source>Load Backup Record</source>
            <translation>加载备份记录</translation>
        </message>
        <message>
            <source>Backup records (*.json);;All files (*)</source>
            <translation>备份记录 (*.json);;所有文件 (*)</translation>
        </message>
        <message>
            <source>%1 holds no backup record.</source>
            <translation>%1 中没有备份记录。</translation>
        </message>
        <message>
            <source>Enter the backup_service of the record.</source>
            <translation>请输入记录的 backup_service。</translation>
        </message>
        <message>
            <source>Enter the backup_url of the record.</source>
            <translation>请输入记录的 backup_url。</translation>
        </message>
        <message>
            <source>backup_url is not valid Base64.</source>
            <translation>backup_url 不是有效的 Base64。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::JobModel</name>
        <message>
            <source>%1 (%2)</source>
            <translation>%1(%2)</translation>
        </message>
        <message>
            <source>%1 of %2</source>
            <translation>%1 / %2</translation>
        </message>
        <message>
            <source>Job</source>
            <translation>任务</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Progress</source>
            <translation>进度</translation>
        </message>
        <message>
            <source>Done / total</source>
            <translation>已完成 / 总计</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>速率</translation>
        </message>
        <message>
            <source>Time left</source>
            <translation>剩余时间</translation>
        </message>
        <message>
            <source>Started</source>
            <translation>开始时间</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Elapsed</source>
            <translation>已用时间</translation>
        </message>
        <message>
            <source>fetch</source>
            <translation>获取</translation>
        </message>
        <message>
            <source>inflate</source>
            <translation>解压</translation>
        </message>
        <message>
            <source>check</source>
            <translation>校验</translation>
        </message>
        <message>
            <source>write</source>
            <translation>写入</translation>
        </message>
        <message>
            <source>%1/s</source>
            <translation>%1/s</translation>
        </message>
        <message>
            <source>fetching from the backend is the bottleneck: the network or the store</source>
            <translation>瓶颈在从后端获取数据:网络或存储</translation>
        </message>
        <message>
            <source>inflating (decrypting, decompressing) is the bottleneck: the CPU</source>
            <translation>瓶颈在解压(解密、解压缩):CPU</translation>
        </message>
        <message>
            <source>checking the checksums is the bottleneck: the CPU</source>
            <translation>瓶颈在校验和检查:CPU</translation>
        </message>
        <message>
            <source>the target is the bottleneck: a slower disk or a busy device</source>
            <translation>瓶颈在目标:磁盘较慢或设备繁忙</translation>
        </message>
        <message>
            <source>%1 %2</source>
            <translation>%1 %2</translation>
        </message>
        <message>
            <source> — busiest: %1 (%2%)</source>
            <translation> — 最忙:%1(%2%)</translation>
        </message>
        <message>
            <source>Stages:</source>
            <translation>阶段:</translation>
        </message>
        <message>
            <source>Stages of %1:</source>
            <translation>%1 的各阶段:</translation>
        </message>
        <message>
            <source>%1: %2 at %3, %4% of the busy time</source>
            <translation>%1:%2,速率 %3,占忙碌时间的 %4%</translation>
        </message>
        <message>
            <source>-</source>
            <translation>-</translation>
        </message>
        <message>
            <source> (busiest)</source>
            <translation>(最忙)</translation>
        </message>
        <message>
            <source>waiting</source>
            <translation>等待中</translation>
        </message>
        <message>
            <source>waiting (%1)</source>
            <translation>等待中(%1)</translation>
        </message>
        <message>
            <source>Started, now %1. It goes on by itself.</source>
            <translation>已开始,当前%1。会自动继续。</translation>
        </message>
        <message>
            <source>Queued: waits for a free job slot, or for the job on the same volume.</source>
            <translation>排队中:等待空闲的作业槽位,或等待同一卷上的作业结束。</translation>
        </message>
        <message>
            <source>Stages</source>
            <translation>阶段</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::JobPanel</name>
        <message>
            <source>&lt;b&gt;Jobs&lt;/b&gt;</source>
            <translation>&lt;b&gt;任务&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Cancel Job</source>
            <translation>取消任务</translation>
        </message>
        <message>
            <source>Clear Finished</source>
            <translation>清除已完成</translation>
        </message>
        <message>
            <source>The selected job's log</source>
            <translation>所选任务的日志</translation>
        </message>
        <message numerus="yes">
            <source>&lt;b&gt;Jobs&lt;/b&gt; — %n active</source>
            <translation>
                <numerusform>&lt;b&gt;任务&lt;/b&gt; — %n 个活动</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n waiting</source>
            <translation>
                <numerusform>,%n 个等待中</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::JobRunner</name>
        <message>
            <source>%1 queued</source>
            <translation>%1 已排队</translation>
        </message>
        <message>
            <source>%1 started</source>
            <translation>%1 已开始</translation>
        </message>
        <message>
            <source>phase: %1</source>
            <translation>阶段:%1</translation>
        </message>
        <message>
            <source>%1 %2: %3</source>
            <translation>%1 %2:%3</translation>
        </message>
        <message>
            <source>Cancelled before it started.</source>
            <translation>在开始前已取消。</translation>
        </message>
        <message>
            <source>cancel requested</source>
            <translation>已请求取消</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::KeyTableModel</name>
        <message>
            <source>No copy of this key exists outside this host: export it or print the paper key. A lost key means lost backups.</source>
            <translation>此密钥在本机以外没有副本:请导出或打印纸质密钥。丢失密钥即丢失备份。</translation>
        </message>
        <message>
            <source>X25519 key pair</source>
            <translation>X25519 密钥对</translation>
        </message>
        <message>
            <source>AES-256 (symmetric)</source>
            <translation>AES-256(对称)</translation>
        </message>
        <message>
            <source>private key here</source>
            <translation>私钥在本机</translation>
        </message>
        <message>
            <source>public only</source>
            <translation>仅公钥</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Fingerprint</source>
            <translation>指纹</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>种类</translation>
        </message>
        <message>
            <source>Label</source>
            <translation>标签</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>创建时间</translation>
        </message>
        <message>
            <source>Restores here</source>
            <translation>可在本机恢复</translation>
        </message>
        <message>
            <source>Exported</source>
            <translation>已导出</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::KeysDialog</name>
        <message>
            <source>Encryption Keys</source>
            <translation>加密密钥</translation>
        </message>
        <message>
            <source>Master keys encrypt backups at rest. They live in this host's keyring. A lost key means lost backups: keep an exported copy or a paper key somewhere safe.</source>
            <translation>主密钥用于对静态备份加密,保存在本机的密钥环中。丢失密钥即丢失备份:请将导出的副本或纸质密钥保存在安全的地方。</translation>
        </message>
        <message>
            <source>&amp;New Key…</source>
            <translation>新建密钥(&amp;N)…</translation>
        </message>
        <message>
            <source>&amp;Import…</source>
            <translation>导入(&amp;I)…</translation>
        </message>
        <message>
            <source>&amp;Export…</source>
            <translation>导出(&amp;E)…</translation>
        </message>
        <message>
            <source>&amp;Print Paper Key…</source>
            <translation>打印纸质密钥(&amp;P)…</translation>
        </message>
        <message>
            <source>R&amp;otate…</source>
            <translation>轮换(&amp;O)…</translation>
        </message>
        <message>
            <source>&amp;Remove…</source>
            <translation>移除(&amp;R)…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>The rotation's job is gone.</source>
            <translation>轮换任务已不存在。</translation>
        </message>
        <message>
            <source>Rotation failed: %1</source>
            <translation>轮换失败:%1</translation>
        </message>
        <message>
            <source>This build has no keyring support: master keys cannot be kept.</source>
            <translation>此版本不支持密钥环:无法保存主密钥。</translation>
        </message>
        <message>
            <source>Select a key first.</source>
            <translation>请先选择一个密钥。</translation>
        </message>
        <message>
            <source>Write the key to a file (mode 0600)</source>
            <translation>将密钥写入文件(权限 0600)</translation>
        </message>
        <message>
            <source>Save the key as a printable PDF with a QR code</source>
            <translation>将密钥保存为带二维码的可打印 PDF</translation>
        </message>
        <message>
            <source>Only the public half of this key is here: rotate it on the host that holds its private key.</source>
            <translation>本机只有此密钥的公钥:请在持有私钥的主机上轮换。</translation>
        </message>
        <message>
            <source>A rotation is running.</source>
            <translation>正在进行轮换。</translation>
        </message>
        <message>
            <source>Make a new key and rewrap this key's backups with it</source>
            <translation>新建密钥,并用它重新封装此密钥的备份</translation>
        </message>
        <message>
            <source>Remove the key from this host</source>
            <translation>从本机移除此密钥</translation>
        </message>
        <message>
            <source>Creating a key…</source>
            <translation>正在创建密钥…</translation>
        </message>
        <message>
            <source>The key could not be created: %1</source>
            <translation>无法创建密钥:%1</translation>
        </message>
        <message>
            <source>Created key %1. Export it or print the paper key before encrypting backups with it.</source>
            <translation>已创建密钥 %1。用它加密备份前请先导出或打印纸质密钥。</translation>
        </message>
        <message>
            <source>The key could not be imported: %1</source>
            <translation>无法导入密钥:%1</translation>
        </message>
        <message>
            <source>Imported key %1.</source>
            <translation>已导入密钥 %1。</translation>
        </message>
        <message>
            <source>Cannot read %1: %2</source>
            <translation>无法读取 %1:%2</translation>
        </message>
        <message>
            <source>The key in %1 could not be imported: %2</source>
            <translation>无法导入 %1 中的密钥:%2</translation>
        </message>
        <message>
            <source>Imported key %1 from %2.</source>
            <translation>已从 %2 导入密钥 %1。</translation>
        </message>
        <message>
            <source>The key could not be exported: %1</source>
            <translation>无法导出密钥:%1</translation>
        </message>
        <message>
            <source>Wrote the public key of %1 to %2.</source>
            <translation>已将 %1 的公钥写入 %2。</translation>
        </message>
        <message>
            <source>Wrote key %1 to %2. Keep the file somewhere safe, away from this host.</source>
            <translation>已将密钥 %1 写入 %2。请将文件保存在本机以外的安全地方。</translation>
        </message>
        <message>
            <source>The paper key could not be written: %1</source>
            <translation>无法写入纸质密钥:%1</translation>
        </message>
        <message>
            <source>The QR code on the paper key %1</source>
            <translation>纸质密钥 %1 上的二维码</translation>
        </message>
        <message>
            <source>Wrote the paper key of %1 to %2. Print it and keep it somewhere safe; then delete the file.</source>
            <translation>已将 %1 的纸质密钥写入 %2。请打印并妥善保管,然后删除该文件。</translation>
        </message>
        <message>
            <source>Rotate key %1</source>
            <translation>轮换密钥 %1</translation>
        </message>
        <message>
            <source>new key %1</source>
            <translation>新密钥 %1</translation>
        </message>
        <message>
            <source>Rotating key %1…</source>
            <translation>正在轮换密钥 %1…</translation>
        </message>
        <message>
            <source>The key could not be removed: %1</source>
            <translation>无法移除密钥:%1</translation>
        </message>
        <message>
            <source>Removed key %1 from this host.</source>
            <translation>已从本机移除密钥 %1。</translation>
        </message>
        <message>
            <source>New Key</source>
            <translation>新建密钥</translation>
        </message>
        <message>
            <source>AES-256 (symmetric: this host backs up and restores)</source>
            <translation>AES-256(对称:本机可备份和恢复)</translation>
        </message>
        <message>
            <source>X25519 key pair (hosts with only the public key cannot restore)</source>
            <translation>X25519 密钥对(只有公钥的主机无法恢复)</translation>
        </message>
        <message>
            <source>&amp;Kind:</source>
            <translation>类型(&amp;K):</translation>
        </message>
        <message>
            <source>e.g. prod backups 2026</source>
            <translation>例如 prod backups 2026</translation>
        </message>
        <message>
            <source>&amp;Label:</source>
            <translation>标签(&amp;L):</translation>
        </message>
        <message>
            <source>Create</source>
            <translation>创建</translation>
        </message>
        <message>
            <source>Import Key</source>
            <translation>导入密钥</translation>
        </message>
        <message>
            <source>Paste a key file's text, or type the paper key in (spaces and case do not matter):</source>
            <translation>粘贴密钥文件的文本,或输入纸质密钥(空格和大小写无关):</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>导入</translation>
        </message>
        <message>
            <source>From &amp;File…</source>
            <translation>从文件(&amp;F)…</translation>
        </message>
        <message>
            <source>Import Key File</source>
            <translation>导入密钥文件</translation>
        </message>
        <message>
            <source>Key files (*.key *.txt);;All files (*)</source>
            <translation>密钥文件 (*.key *.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Export Key</source>
            <translation>导出密钥</translation>
        </message>
        <message>
            <source>Key files (*.key)</source>
            <translation>密钥文件 (*.key)</translation>
        </message>
        <message>
            <source>Print Paper Key</source>
            <translation>打印纸质密钥</translation>
        </message>
        <message>
            <source>PDF files (*.pdf)</source>
            <translation>PDF 文件 (*.pdf)</translation>
        </message>
        <message>
            <source>Rotate Key</source>
            <translation>轮换密钥</translation>
        </message>
        <message>
            <source>Make a new key to replace %1? The data keys of its backups are wrapped again with the new key (their objects are not rewritten), and backends using it switch to the new key. Export the new key afterwards.</source>
            <translation>新建密钥以替换 %1?其备份的数据密钥将用新密钥重新封装(对象不会重写),使用它的后端将改用新密钥。之后请导出新密钥。</translation>
        </message>
        <message>
            <source>Rotate</source>
            <translation>轮换</translation>
        </message>
        <message>
            <source>Backends encrypting new backups with it: %1.</source>
            <translation>用它加密新备份的后端:%1。</translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) are encrypted with it: without this key they cannot be restored or verified.</source>
            <translation>
                <numerusform>有 %n 个备份用它加密:没有此密钥就无法恢复或校验。</numerusform>
            </translation>
        </message>
        <message>
            <source>Remove key %1 (%2) from this host?</source>
            <translation>从本机移除密钥 %1(%2)?</translation>
        </message>
        <message>
            <source>No copy of this key exists outside this host: once removed it is gone for good.</source>
            <translation>此密钥在本机以外没有副本:移除后将永久丢失。</translation>
        </message>
        <message>
            <source>Remove Key</source>
            <translation>移除密钥</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message numerus="yes">
            <source>New key %1: %n backup(s) rewrapped.</source>
            <translation>
                <numerusform>新密钥 %1:已重新封装 %n 个备份。</numerusform>
            </translation>
        </message>
        <message>
            <source>Backends now using it: %1.</source>
            <translation>现在使用它的后端:%1。</translation>
        </message>
        <message>
            <source>The old key %1 is no longer needed and can be removed.</source>
            <translation>旧密钥 %1 已不再需要,可以移除。</translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) still need the old key %1: keep it.</source>
            <translation>
                <numerusform>仍有 %n 个备份需要旧密钥 %1:请保留它。</numerusform>
            </translation>
        </message>
        <message>
            <source>Backup %1 keeps the old key: %2.</source>
            <translation>备份 %1 仍使用旧密钥:%2。</translation>
        </message>
        <message>
            <source>Export the new key or print its paper key now.</source>
            <translation>请立即导出新密钥或打印其纸质密钥。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::LocalDirectoryPage</name>
        <message>
            <source>Sizes must be positive.</source>
            <translation>大小必须为正数。</translation>
        </message>
        <message>
            <source>The object size (%1 bytes) must be a multiple of the SHA block size (%2 bytes), as Cinder requires.</source>
            <translation>对象大小(%1 字节)必须是 SHA 块大小(%2 字节)的整数倍,这是 Cinder 的要求。</translation>
        </message>
        <message>
            <source>Local Directory</source>
            <translation>本地目录</translation>
        </message>
        <message>
            <source>Backups are stored as files in a directory, in Cinder's posix driver format (an NFS mount works too).</source>
            <translation>备份以 Cinder posix 驱动的格式作为文件存储在目录中(也可以使用 NFS 挂载点)。</translation>
        </message>
        <message>
            <source>/srv/backups</source>
            <translation>/srv/backups</translation>
        </message>
        <message>
            <source>&amp;Browse…</source>
            <translation>浏览(&amp;B)…</translation>
        </message>
        <message>
            <source>&amp;Directory:</source>
            <translation>目录(&amp;D):</translation>
        </message>
        <message>
            <source>&amp;Compression:</source>
            <translation>压缩(&amp;C):</translation>
        </message>
        <message>
            <source> KiB</source>
            <translation> KiB</translation>
        </message>
        <message>
            <source>&amp;Object size:</source>
            <translation>对象大小(&amp;O):</translation>
        </message>
        <message>
            <source>&amp;SHA block size:</source>
            <translation>SHA 块大小(&amp;S):</translation>
        </message>
        <message>
            <source>Incremental backups compare SHA-256 hashes of blocks of this size. Keep Cinder's defaults to share backups with Cinder.</source>
            <translation>增量备份按此大小的块比较 SHA-256 哈希。若要与 Cinder 共享备份,请保留 Cinder 的默认值。</translation>
        </message>
        <message>
            <source>Backup Directory</source>
            <translation>备份目录</translation>
        </message>
        <message>
            <source>Enter an absolute path, e.g. /srv/backups.</source>
            <translation>请输入绝对路径,例如 /srv/backups。</translation>
        </message>
        <message>
            <source>The directory exists</source>
            <translation>目录存在</translation>
        </message>
        <message>
            <source>%1 exists but is not a directory.</source>
            <translation>%1 存在,但不是目录。</translation>
        </message>
        <message>
            <source>%1 does not exist and could not be created.</source>
            <translation>%1 不存在,且无法创建。</translation>
        </message>
        <message>
            <source>created %1</source>
            <translation>已创建 %1</translation>
        </message>
        <message>
            <source>Free space</source>
            <translation>可用空间</translation>
        </message>
        <message>
            <source>cannot tell the free space of %1</source>
            <translation>无法确定 %1 的可用空间</translation>
        </message>
        <message>
            <source>%1 free of %2 on %3</source>
            <translation>%3 上 %2 中可用 %1</translation>
        </message>
        <message>
            <source>%1: less than one object</source>
            <translation>%1:不足一个对象</translation>
        </message>
        <message>
            <source>%1: less than 1 GiB</source>
            <translation>%1:不足 1 GiB</translation>
        </message>
        <message>
            <source>Write permission</source>
            <translation>写入权限</translation>
        </message>
        <message>
            <source>cannot write in %1: %2</source>
            <translation>无法在 %1 中写入:%2</translation>
        </message>
        <message>
            <source>data written to %1 did not read back</source>
            <translation>写入 %1 的数据无法正确读回</translation>
        </message>
        <message>
            <source>wrote, read back and removed a test file</source>
            <translation>已写入、读回并删除测试文件</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::LocalSource</name>
        <message>
            <source>This computer</source>
            <translation>本机</translation>
        </message>
        <message>
            <source>Backup %1 is not in the catalog.</source>
            <translation>备份 %1 不在目录中。</translation>
        </message>
        <message>
            <source>Only an available backup can be the state of a synthetic full; %1 is %2.</source>
            <translation>只有可用的备份才能作为合成完整备份的状态;%1 为 %2。</translation>
        </message>
        <message>
            <source>Synthetic full of %1</source>
            <translation>%1 的合成完整备份</translation>
        </message>
        <message numerus="yes">
            <source>synthetic full %1 from a chain of %n backup(s)</source>
            <translation>
                <numerusform>由包含 %n 个备份的链生成合成完整备份 %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>synthetic full %1 available; %n backup(s) moved onto it</source>
            <translation>
                <numerusform>合成完整备份 %1 可用;%n 个备份已移到其上</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 is protected already.</source>
            <translation>%1 已受保护。</translation>
        </message>
        <message>
            <source>%1 is not protected.</source>
            <translation>%1 未受保护。</translation>
        </message>
        <message>
            <source>Protect %1</source>
            <translation>保护 %1</translation>
        </message>
        <message>
            <source>Unprotect %1</source>
            <translation>取消保护 %1</translation>
        </message>
        <message>
            <source>protected: no prune removes it</source>
            <translation>已保护:任何清理都不会删除它</translation>
        </message>
        <message>
            <source>no longer protected</source>
            <translation>不再受保护</translation>
        </message>
        <message>
            <source>Retention policy of %1</source>
            <translation>%1 的保留策略</translation>
        </message>
        <message>
            <source>Default retention policy (%1)</source>
            <translation>默认保留策略(%1)</translation>
        </message>
        <message>
            <source>policy removed</source>
            <translation>策略已移除</translation>
        </message>
        <message>
            <source>policy saved: keep everything</source>
            <translation>策略已保存:全部保留</translation>
        </message>
        <message>
            <source>policy saved: %1</source>
            <translation>策略已保存:%1</translation>
        </message>
        <message>
            <source>Volume %1 is not in the catalog.</source>
            <translation>卷 %1 不在目录中。</translation>
        </message>
        <message>
            <source>Nothing to prune: the policy keeps every backup of %1.</source>
            <translation>无需清理:该策略保留 %1 的所有备份。</translation>
        </message>
        <message>
            <source>Prune %1</source>
            <translation>清理 %1</translation>
        </message>
        <message>
            <source>synthetic full %1 replaces %2</source>
            <translation>合成完整备份 %1 替代 %2</translation>
        </message>
        <message>
            <source>removed %1</source>
            <translation>已删除 %1</translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) removed, %1 synthetic full(s) written</source>
            <translation>
                <numerusform>已删除 %n 个备份,已写入 %1 个合成完整备份</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::MainWindow</name>
        <message>
            <source>Ember — Volume Backups</source>
            <translation>Ember — 卷备份</translation>
        </message>
        <message>
            <source>Loading the catalog…</source>
            <translation>正在加载目录…</translation>
        </message>
        <message>
            <source>Cannot read the catalog: %1</source>
            <translation>无法读取目录:%1</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Backup</source>
            <translation>备份(&amp;B)</translation>
        </message>
        <message>
            <source>&amp;Administration</source>
            <translation>管理(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Jobs</source>
            <translation>任务(&amp;J)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>Main</source>
            <translation>主工具栏</translation>
        </message>
        <message numerus="yes">
            <source>%n volume(s), %1 backups; catalog read in %2 ms</source>
            <translation>
                <numerusform>%n 个卷,%1 个备份;目录读取用时 %2 毫秒</numerusform>
            </translation>
        </message>
        <message>
            <source>Jobs Are Running</source>
            <translation>任务正在运行</translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) are still running or queued. Cancel them and quit, or wait until they finish and then quit?</source>
            <translation>
                <numerusform>仍有 %n 个任务正在运行或排队。是取消它们并退出,还是等待它们完成后再退出?</numerusform>
            </translation>
        </message>
        <message>
            <source>Cancel Jobs and Quit</source>
            <translation>取消任务并退出</translation>
        </message>
        <message>
            <source>Wait, Then Quit</source>
            <translation>等待完成后退出</translation>
        </message>
        <message>
            <source>Keep Working</source>
            <translation>继续工作</translation>
        </message>
        <message>
            <source>Cancelling jobs; Ember quits when they have stopped.</source>
            <translation>正在取消任务;任务停止后 Ember 将退出。</translation>
        </message>
        <message>
            <source>Ember quits when the running jobs are finished.</source>
            <translation>正在运行的任务完成后 Ember 将退出。</translation>
        </message>
        <message numerus="yes">
            <source>Recovered %n interrupted operation(s): %1</source>
            <translation>
                <numerusform>已恢复 %n 个中断的操作:%1</numerusform>
            </translation>
        </message>
        <message>
            <source>Dismiss</source>
            <translation>关闭提示</translation>
        </message>
        <message>
            <source>%1 failed: %2</source>
            <translation>%1 失败:%2</translation>
        </message>
        <message>
            <source> Source: </source>
            <translation> 来源: </translation>
        </message>
        <message>
            <source>OpenStack cloud %1 (%2)</source>
            <translation>OpenStack 云 %1(%2)</translation>
        </message>
        <message>
            <source>Connect to an OpenStack cloud…</source>
            <translation>连接到 OpenStack 云…</translation>
        </message>
        <message>
            <source>Show this computer's volumes or a cloud's</source>
            <translation>显示本机的卷或某个云的卷</translation>
        </message>
        <message>
            <source>Some clouds could not be read:
%1</source>
            <translation>有些云无法读取:
%1</translation>
        </message>
        <message>
            <source>Ember — %1 (OpenStack cloud)</source>
            <translation>Ember — %1(OpenStack 云)</translation>
        </message>
        <message>
            <source>Reading the secret of %1 from the keyring…</source>
            <translation>正在从密钥环读取 %1 的机密…</translation>
        </message>
        <message>
            <source>Connecting to %1…</source>
            <translation>正在连接 %1…</translation>
        </message>
        <message>
            <source>%1 could not be read.</source>
            <translation>无法读取 %1。</translation>
        </message>
        <message numerus="yes">
            <source>%n volume(s) (%1 shown)</source>
            <translation>
                <numerusform>%n 个卷(显示 %1 个)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s)</source>
            <translation>
                <numerusform>%n 个备份</numerusform>
            </translation>
        </message>
        <message>
            <source>loading %1 of %2</source>
            <translation>正在加载 %1 / %2</translation>
        </message>
        <message>
            <source>loading, %1 read so far</source>
            <translation>正在加载,已读取 %1</translation>
        </message>
        <message>
            <source>No backup quota shown</source>
            <translation>未显示备份配额</translation>
        </message>
        <message>
            <source>The cloud did not show this project's quota to you.</source>
            <translation>该云未向您显示此项目的配额。</translation>
        </message>
        <message>
            <source>unlimited</source>
            <translation>无限制</translation>
        </message>
        <message>
            <source>Backup quota: %1 of %2 backups, %3 of %4 GB</source>
            <translation>备份配额:%1 / %2 个备份,%3 / %4 GB</translation>
        </message>
        <message>
            <source>Project %1: backups and backup gigabytes in use / limit</source>
            <translation>项目 %1:已用 / 上限的备份数和备份容量(GB)</translation>
        </message>
        <message>
            <source>Connect to an OpenStack &amp;Cloud…</source>
            <translation>连接到 OpenStack 云(&amp;C)…</translation>
        </message>
        <message>
            <source>Add a cloud to clouds.yaml (its secret in the OS keyring) and show it</source>
            <translation>将云添加到 clouds.yaml(其机密保存在系统密钥环中)并显示它</translation>
        </message>
        <message>
            <source>as of %1, refreshing…</source>
            <translation>截至 %1 的内容，正在刷新…</translation>
        </message>
        <message>
            <source>&amp;Volumes</source>
            <translation>卷(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Overview</source>
            <translation>概览(&amp;O)</translation>
        </message>
        <message>
            <source>&amp;Schedules</source>
            <translation>计划(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;History</source>
            <translation>历史记录(&amp;H)</translation>
        </message>
        <message>
            <source>Volumes</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Overview</source>
            <translation>概览</translation>
        </message>
        <message>
            <source>Schedules</source>
            <translation>计划</translation>
        </message>
        <message>
            <source>History</source>
            <translation>历史记录</translation>
        </message>
        <message>
            <source>Ctrl+%1</source>
            <translation>Ctrl+%1</translation>
        </message>
        <message>
            <source>Job %1 is not in the history list: widen its filters to see it.</source>
            <translation>任务 %1 不在历史记录列表中:请放宽筛选条件以查看它。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::PruneLogDialog</name>
        <message>
            <source>Prune Log</source>
            <translation>清理日志</translation>
        </message>
        <message>
            <source>Prune Log of %1</source>
            <translation>%1 的清理日志</translation>
        </message>
        <message>
            <source>Reading the prune log…</source>
            <translation>正在读取清理日志…</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>Backup</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Detail</source>
            <translation>详情</translation>
        </message>
        <message>
            <source>Policy</source>
            <translation>策略</translation>
        </message>
        <message>
            <source>by hand</source>
            <translation>手动</translation>
        </message>
        <message>
            <source>Nothing was pruned yet.</source>
            <translation>尚未清理过任何备份。</translation>
        </message>
        <message numerus="yes">
            <source>%n entry(s), newest first.</source>
            <translation>
                <numerusform>%n 个条目,最新的在前。</numerusform>
            </translation>
        </message>
        <message>
            <source>The prune log could not be read: %1</source>
            <translation>无法读取清理日志:%1</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::RbdBrowserDialog</name>
        <message>
            <source>Add RBD Image</source>
            <translation>添加 RBD 镜像</translation>
        </message>
        <message>
            <source>&amp;Cluster (Ceph backend):</source>
            <translation>集群(Ceph 后端)(&amp;C):</translation>
        </message>
        <message>
            <source>&amp;Pool:</source>
            <translation>存储池(&amp;P):</translation>
        </message>
        <message>
            <source>&amp;Images:</source>
            <translation>镜像(&amp;I):</translation>
        </message>
        <message>
            <source>the image's name</source>
            <translation>镜像的名称</translation>
        </message>
        <message>
            <source>Volume &amp;name:</source>
            <translation>卷名称(&amp;N):</translation>
        </message>
        <message>
            <source>Add Volume</source>
            <translation>添加卷</translation>
        </message>
        <message>
            <source>No Ceph backend is configured. Add one under Backends first: it holds the cluster's address, user and key.</source>
            <translation>尚未配置 Ceph 后端。请先在“后端”中添加一个:它保存集群的地址、用户和密钥。</translation>
        </message>
        <message>
            <source>Connecting to the cluster of %1…</source>
            <translation>正在连接 %1 的集群…</translation>
        </message>
        <message>
            <source>This build of Ember has no Ceph support.</source>
            <translation>此版本的 Ember 不支持 Ceph。</translation>
        </message>
        <message>
            <source>Could not list the pools: %1</source>
            <translation>无法列出存储池:%1</translation>
        </message>
        <message>
            <source>The cluster has no pools.</source>
            <translation>该集群没有存储池。</translation>
        </message>
        <message>
            <source>Listing the images of pool %1…</source>
            <translation>正在列出存储池 %1 中的镜像…</translation>
        </message>
        <message>
            <source>Could not list the images of pool %1: %2</source>
            <translation>无法列出存储池 %1 中的镜像:%2</translation>
        </message>
        <message>
            <source>Pool %1 has no RBD images.</source>
            <translation>存储池 %1 中没有 RBD 镜像。</translation>
        </message>
        <message>
            <source>Reading the size of %1…</source>
            <translation>正在读取 %1 的大小…</translation>
        </message>
        <message>
            <source>Could not open %1: %2</source>
            <translation>无法打开 %1:%2</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>%1: %2. Named as Cinder names its volumes: it is added as volume %3, Cinder's id, so both share its backups.</source>
            <translation>%1:%2。其命名方式与 Cinder 的卷相同:它以 Cinder 的 ID 作为卷 %3 添加,因此双方共享其备份。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ResetStateDialog</name>
        <message>
            <source>Reset Backup State</source>
            <translation>重置备份状态</translation>
        </message>
        <message>
            <source>Set the status of %1 (now “%2”) without touching its data. Use this only to repair a backup left in a wrong state.</source>
            <translation>设置 %1 的状态(当前为“%2”),不改动其数据。仅用于修复处于错误状态的备份。</translation>
        </message>
        <message>
            <source>Reset State</source>
            <translation>重置状态</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::RestoreDialog</name>
        <message>
            <source>Restore %1</source>
            <translation>恢复 %1</translation>
        </message>
        <message>
            <source>Restore backup %1 (%2 GiB) to:</source>
            <translation>将备份 %1(%2 GiB)恢复到:</translation>
        </message>
        <message>
            <source>The &amp;source volume %1</source>
            <translation>源卷 %1(&amp;S)</translation>
        </message>
        <message>
            <source>The &amp;source volume (no longer registered)</source>
            <translation>源卷(已不再登记)(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Another registered volume:</source>
            <translation>另一个已登记的卷(&amp;A):</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1(%2)</translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>A &amp;new volume (an image file):</source>
            <translation>新卷(镜像文件)(&amp;N):</translation>
        </message>
        <message>
            <source>Na&amp;me:</source>
            <translation>名称(&amp;M):</translation>
        </message>
        <message>
            <source>Bro&amp;wse…</source>
            <translation>浏览(&amp;W)…</translation>
        </message>
        <message>
            <source>&amp;Location:</source>
            <translation>位置(&amp;L):</translation>
        </message>
        <message>
            <source>Restore</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>New volume file</source>
            <translation>新卷文件</translation>
        </message>
        <message>
            <source>not registered</source>
            <translation>未登记</translation>
        </message>
        <message>
            <source>Its current content will be replaced.</source>
            <translation>其当前内容将被替换。</translation>
        </message>
        <message>
            <source>No other volume is registered.</source>
            <translation>没有登记其他卷。</translation>
        </message>
        <message>
            <source>busy: %1 running</source>
            <translation>忙:%1 运行中</translation>
        </message>
        <message>
            <source>Choose a volume large enough for this backup.</source>
            <translation>请选择一个足以容纳此备份的卷。</translation>
        </message>
        <message>
            <source>Enter a name for the new volume.</source>
            <translation>请输入新卷的名称。</translation>
        </message>
        <message>
            <source>Enter where to create the new volume.</source>
            <translation>请输入新卷的创建位置。</translation>
        </message>
        <message>
            <source>%1 already exists; choose a new file name.</source>
            <translation>%1 已存在;请选择新的文件名。</translation>
        </message>
        <message>
            <source>The folder %1 does not exist.</source>
            <translation>文件夹 %1 不存在。</translation>
        </message>
        <message>
            <source>Overwrite Volume?</source>
            <translation>覆盖卷?</translation>
        </message>
        <message>
            <source>Restoring replaces the content of %1 (%2) with backup %3. Whatever is on the volume now is lost.</source>
            <translation>恢复操作将用备份 %3 替换 %1(%2)的内容。卷上现有的数据将全部丢失。</translation>
        </message>
        <message>
            <source>Overwrite</source>
            <translation>覆盖</translation>
        </message>
        <message>
            <source>A new &amp;RBD image, the volume named as above:</source>
            <translation>新的 RBD 镜像,卷名同上(&amp;R):</translation>
        </message>
        <message>
            <source>C&amp;luster of:</source>
            <translation>所属集群(&amp;L):</translation>
        </message>
        <message>
            <source>pool/image</source>
            <translation>存储池/镜像</translation>
        </message>
        <message>
            <source>&amp;Image:</source>
            <translation>镜像(&amp;I):</translation>
        </message>
        <message>
            <source>Add a Ceph backend first: it names the cluster.</source>
            <translation>请先添加 Ceph 后端:它指明集群。</translation>
        </message>
        <message>
            <source>Name the new image as pool/image.</source>
            <translation>请以 存储池/镜像 的形式命名新镜像。</translation>
        </message>
        <message>
            <source>%1 is the registered volume %2: choose it above to overwrite it, or name a new image.</source>
            <translation>%1 是已登记的卷 %2:要覆盖它请在上方选择,否则请命名新镜像。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::RetentionPolicyDialog</name>
        <message>
            <source>Retention Policy of %1</source>
            <translation>%1 的保留策略</translation>
        </message>
        <message>
            <source>Keep</source>
            <translation>保留</translation>
        </message>
        <message>
            <source>the &amp;last</source>
            <translation>最近(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;hourly</source>
            <translation>每小时(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;daily</source>
            <translation>每天(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;weekly</source>
            <translation>每周(&amp;W)</translation>
        </message>
        <message>
            <source>&amp;monthly</source>
            <translation>每月(&amp;M)</translation>
        </message>
        <message>
            <source>&amp;yearly</source>
            <translation>每年(&amp;Y)</translation>
        </message>
        <message>
            <source>The N newest backups</source>
            <translation>最新的 N 个备份</translation>
        </message>
        <message>
            <source>For the last N hours that have backups, the newest of each hour</source>
            <translation>在有备份的最近 N 个小时中,每小时最新的备份</translation>
        </message>
        <message>
            <source>For the last N days that have backups, the newest of each day</source>
            <translation>在有备份的最近 N 天中,每天最新的备份</translation>
        </message>
        <message>
            <source>For the last N weeks (ISO weeks) that have backups, the newest of each week</source>
            <translation>在有备份的最近 N 周(ISO 周)中,每周最新的备份</translation>
        </message>
        <message>
            <source>For the last N months that have backups, the newest of each month</source>
            <translation>在有备份的最近 N 个月中,每月最新的备份</translation>
        </message>
        <message>
            <source>For the last N years that have backups, the newest of each year</source>
            <translation>在有备份的最近 N 年中,每年最新的备份</translation>
        </message>
        <message>
            <source>not set</source>
            <translation>未设置</translation>
        </message>
        <message>
            <source>e.g. 30d or 1y6m</source>
            <translation>例如 30d 或 1y6m</translation>
        </message>
        <message>
            <source>Every backup taken within this span of the newest one: years (y), months (m), days (d), hours (h), e.g. 2y5m7d3h</source>
            <translation>距最新备份在此时间跨度内创建的所有备份:年(y)、月(m)、天(d)、小时(h),例如 2y5m7d3h</translation>
        </message>
        <message>
            <source>within &amp;span:</source>
            <translation>时间跨度内(&amp;S):</translation>
        </message>
        <message>
            <source>Use the backend default</source>
            <translation>使用后端的默认策略</translation>
        </message>
        <message>
            <source>Options add up (a backup any of them keeps stays). Protected backups are always kept; no option set keeps everything.</source>
            <translation>各选项叠加生效(任一选项保留的备份都会留下)。受保护的备份始终保留;未设置任何选项时保留全部备份。</translation>
        </message>
        <message>
            <source>&amp;Save Policy</source>
            <translation>保存策略(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Prune Now…</source>
            <translation>立即清理(&amp;P)…</translation>
        </message>
        <message>
            <source>Reading the policy…</source>
            <translation>正在读取策略…</translation>
        </message>
        <message>
            <source>Use the backend default (no backend yet: keep everything)</source>
            <translation>使用后端的默认策略(尚无后端:全部保留)</translation>
        </message>
        <message>
            <source>Use the backend default (%1 has none: keep everything)</source>
            <translation>使用后端的默认策略(%1 没有默认策略:全部保留)</translation>
        </message>
        <message>
            <source>Use the backend default (%1: %2)</source>
            <translation>使用后端的默认策略(%1:%2)</translation>
        </message>
        <message>
            <source>keep everything</source>
            <translation>全部保留</translation>
        </message>
        <message>
            <source>The policy could not be read: %1</source>
            <translation>无法读取策略:%1</translation>
        </message>
        <message numerus="yes">
            <source>Keeps %n backup(s)</source>
            <translation>
                <numerusform>保留 %n 个备份</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, removes %n</source>
            <translation>
                <numerusform>,删除 %n 个</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source> (%n of them after a synthetic full replaces it)</source>
            <translation>
                <numerusform>(其中 %n 个先由合成完整备份替代再删除)</numerusform>
            </translation>
        </message>
        <message>
            <source>Nothing to prune: the policy keeps every backup.</source>
            <translation>无需清理:该策略保留所有备份。</translation>
        </message>
        <message numerus="yes">
            <source>• synthetic full of %1; %n backup(s) move onto it</source>
            <translation>
                <numerusform>• %1 的合成完整备份;%n 个备份移到其上</numerusform>
            </translation>
        </message>
        <message>
            <source>• remove %1</source>
            <translation>• 删除 %1</translation>
        </message>
        <message>
            <source>Prune %1 under %2? In this order:</source>
            <translation>按%2清理 %1?执行顺序如下:</translation>
        </message>
        <message>
            <source>a policy that keeps everything</source>
            <translation>全部保留的策略</translation>
        </message>
        <message>
            <source>The policy is saved first.</source>
            <translation>将先保存策略。</translation>
        </message>
        <message>
            <source>Prune Now</source>
            <translation>立即清理</translation>
        </message>
        <message numerus="yes">
            <source>
… and %n more</source>
            <translation>
                <numerusform>
… 另有 %n 项</numerusform>
            </translation>
        </message>
        <message>
            <source>Prune</source>
            <translation>清理</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::RetentionTimeline</name>
        <message numerus="yes">
            <source>Chain %1: from an incremental of %2 (its parent is not shown), %n backup(s)</source>
            <translation>
                <numerusform>链 %1:始于 %2 的增量备份(其父备份未显示),共 %n 个备份</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Chain %1: full of %2, %n backup(s)</source>
            <translation>
                <numerusform>链 %1:%2 的完整备份,共 %n 个备份</numerusform>
            </translation>
        </message>
        <message>
            <source>taken %1</source>
            <translation>创建于 %1</translation>
        </message>
        <message>
            <source>incremental</source>
            <translation>增量备份</translation>
        </message>
        <message>
            <source>full backup</source>
            <translation>完整备份</translation>
        </message>
        <message>
            <source>%1 by: %2</source>
            <translation>%1,依据:%2</translation>
        </message>
        <message>
            <source>kept: no rule keeps it, but a kept backup depends on it</source>
            <translation>保留:没有规则保留它,但有被保留的备份依赖于它</translation>
        </message>
        <message>
            <source>no rule keeps it, but kept backups build on it: a synthetic full of its state is written, its incrementals move onto that, then it is removed</source>
            <translation>没有规则保留它,但有被保留的备份基于它:先写入其状态的合成完整备份,将其增量备份移到该备份上,然后删除它</translation>
        </message>
        <message>
            <source>removed: no rule keeps it</source>
            <translation>删除:没有规则保留它</translation>
        </message>
        <message>
            <source>not counted: its status is %1</source>
            <translation>不计入:其状态为 %1</translation>
        </message>
        <message>
            <source>This volume has no backups yet.</source>
            <translation>此卷还没有备份。</translation>
        </message>
        <message>
            <source>large marker: full backup · small: incremental · line: parent to child</source>
            <translation>大标记:完整备份 · 小标记:增量备份 · 连线:父备份到子备份</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::S3Page</name>
        <message>
            <source>Object Lock makes backups immutable: when the bucket has it, every object of a backup is locked for the set number of days, so no one holding these keys can delete or overwrite it before then. GOVERNANCE mode lets an account with the bypass permission remove a lock early; COMPLIANCE mode lets no one, not even the account's root user. Object Lock can only be enabled when a bucket is created.</source>
            <translation>对象锁定使备份不可变:存储桶启用它后,备份的每个对象都会被锁定设定的天数,在此之前任何持有这些密钥的人都无法删除或覆盖它。GOVERNANCE 模式允许拥有绕过权限的账户提前解除锁定;COMPLIANCE 模式不允许任何人解除,即使是账户的 root 用户。对象锁定只能在创建存储桶时启用。</translation>
        </message>
        <message>
            <source>Bucket</source>
            <translation>存储桶</translation>
        </message>
        <message>
            <source>&amp;Check Bucket</source>
            <translation>检查存储桶(&amp;C)</translation>
        </message>
        <message>
            <source>Connects with these settings and looks for the bucket and its Object Lock configuration.</source>
            <translation>使用这些设置进行连接,并查找存储桶及其对象锁定配置。</translation>
        </message>
        <message>
            <source>Create &amp;Bucket</source>
            <translation>创建存储桶(&amp;B)</translation>
        </message>
        <message>
            <source>Enable &amp;Object Lock (immutable backups)</source>
            <translation>启用对象锁定(不可变备份)(&amp;O)</translation>
        </message>
        <message>
            <source>Checking %1…</source>
            <translation>正在检查 %1…</translation>
        </message>
        <message>
            <source>The check could not run: %1</source>
            <translation>无法运行检查:%1</translation>
        </message>
        <message>
            <source>Bucket “%1” is ready: Ember can write, read and delete in it.</source>
            <translation>存储桶“%1”已就绪:Ember 可以在其中写入、读取和删除。</translation>
        </message>
        <message>
            <source>The bucket check failed (%1). Ember can create bucket “%2” with these keys:</source>
            <translation>存储桶检查失败(%1)。Ember 可以用这些密钥创建存储桶“%2”:</translation>
        </message>
        <message>
            <source>%1 failed: %2</source>
            <translation>%1 失败:%2</translation>
        </message>
        <message>
            <source>no details</source>
            <translation>无详细信息</translation>
        </message>
        <message>
            <source>Object Lock: %1</source>
            <translation>对象锁定:%1</translation>
        </message>
        <message>
            <source>Creating bucket “%1”…</source>
            <translation>正在创建存储桶“%1”…</translation>
        </message>
        <message>
            <source>Bucket “%1” could not be created: %2</source>
            <translation>无法创建存储桶“%1”:%2</translation>
        </message>
        <message>
            <source>Object Lock: enabled</source>
            <translation>对象锁定:已启用</translation>
        </message>
        <message>
            <source>Bucket “%1” was created with Object Lock enabled.</source>
            <translation>已创建存储桶“%1”,并启用了对象锁定。</translation>
        </message>
        <message>
            <source>Bucket “%1” was created (without Object Lock).</source>
            <translation>已创建存储桶“%1”(未启用对象锁定)。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ScheduleDialog</name>
        <message>
            <source>Edit Schedule</source>
            <translation>编辑计划</translation>
        </message>
        <message>
            <source>New Schedule</source>
            <translation>新建计划</translation>
        </message>
        <message>
            <source>e.g. nightly databases</source>
            <translation>例如 数据库夜间备份</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N):</translation>
        </message>
        <message>
            <source>Check one volume, or several to back them up as a group, one after the other</source>
            <translation>勾选一个卷,或勾选多个卷作为一组依次备份</translation>
        </message>
        <message>
            <source>&amp;Volumes:</source>
            <translation>卷(&amp;V):</translation>
        </message>
        <message>
            <source>systemd calendar, e.g. Mon..Fri 02:00</source>
            <translation>systemd 日历表达式,例如 Mon..Fri 02:00</translation>
        </message>
        <message>
            <source>When to run, in systemd's OnCalendar syntax (man systemd.time): daily, weekly, hourly, Mon..Fri 02:00, *-*-* 00/6:00, *-*-01 03:30, ...</source>
            <translation>运行时间,使用 systemd 的 OnCalendar 语法(man systemd.time):daily, weekly, hourly, Mon..Fri 02:00, *-*-* 00/6:00, *-*-01 03:30 等</translation>
        </message>
        <message>
            <source>Presets…</source>
            <translation>预设…</translation>
        </message>
        <message>
            <source>&amp;When:</source>
            <translation>时间(&amp;W):</translation>
        </message>
        <message>
            <source>systemd reads:</source>
            <translation>systemd 解析为:</translation>
        </message>
        <message>
            <source>Next runs:</source>
            <translation>接下来的运行:</translation>
        </message>
        <message>
            <source>The default backend</source>
            <translation>默认后端</translation>
        </message>
        <message>
            <source>The default backend (now %1)</source>
            <translation>默认后端(当前为 %1)</translation>
        </message>
        <message>
            <source>&amp;Backend:</source>
            <translation>后端(&amp;B):</translation>
        </message>
        <message>
            <source>Incremental (a full when there is no chain yet)</source>
            <translation>增量备份(尚无备份链时进行完整备份)</translation>
        </message>
        <message>
            <source>Always full</source>
            <translation>始终完整备份</translation>
        </message>
        <message>
            <source>&amp;Mode:</source>
            <translation>模式(&amp;M):</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source> backups</source>
            <translation> 个备份</translation>
        </message>
        <message>
            <source>Keeps restore chains short: the Nth backup since the last full (that full included) is a full again</source>
            <translation>使恢复链保持较短:自上次完整备份起(含该完整备份)的第 N 个备份再次为完整备份</translation>
        </message>
        <message>
            <source>Force a full &amp;every:</source>
            <translation>强制完整备份,每隔(&amp;E):</translation>
        </message>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>A full when the last full is this many days old or older</source>
            <translation>上次完整备份已达到或超过此天数时进行完整备份</translation>
        </message>
        <message>
            <source>…or every:</source>
            <translation>…或每隔:</translation>
        </message>
        <message>
            <source>Apply the &amp;retention policy afterwards</source>
            <translation>备份后应用保留策略(&amp;R)</translation>
        </message>
        <message>
            <source>Prunes each volume's backups with its effective retention policy after the backup</source>
            <translation>备份后按各卷生效的保留策略清理其备份</translation>
        </message>
        <message>
            <source>E&amp;nabled</source>
            <translation>启用(&amp;N)</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Create Schedule</source>
            <translation>创建计划</translation>
        </message>
        <message>
            <source>Hourly</source>
            <translation>每小时</translation>
        </message>
        <message>
            <source>Daily at 02:00</source>
            <translation>每天 02:00</translation>
        </message>
        <message>
            <source>Monday to Friday at 02:00</source>
            <translation>周一至周五 02:00</translation>
        </message>
        <message>
            <source>Weekly (Monday 00:00)</source>
            <translation>每周(周一 00:00)</translation>
        </message>
        <message>
            <source>Every 6 hours</source>
            <translation>每 6 小时</translation>
        </message>
        <message>
            <source>%1 (not in the catalog)</source>
            <translation>%1(不在目录中)</translation>
        </message>
        <message>
            <source>%1 (not configured)</source>
            <translation>%1(未配置)</translation>
        </message>
        <message>
            <source>Enter when the schedule runs, e.g. daily or Mon..Fri 02:00.</source>
            <translation>请输入计划的运行时间,例如 daily 或 Mon..Fri 02:00。</translation>
        </message>
        <message>
            <source>%1 never elapses again after %2.</source>
            <translation>%1 在 %2 之后不会再触发。</translation>
        </message>
        <message>
            <source>(no later runs)</source>
            <translation>(之后没有运行)</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>正在保存…</translation>
        </message>
        <message>
            <source>Enter a name for the schedule.</source>
            <translation>请输入计划的名称。</translation>
        </message>
        <message>
            <source>Check the volume to back up, or several for a group.</source>
            <translation>请勾选要备份的卷,或勾选多个卷组成一组。</translation>
        </message>
        <message>
            <source>The calendar expression cannot be used: %1</source>
            <translation>无法使用此日历表达式:%1</translation>
        </message>
        <message>
            <source>The schedule %1 was removed while it was being edited; create it again.</source>
            <translation>计划 %1 在编辑期间已被移除;请重新创建。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ScheduleModel</name>
        <message>
            <source>running</source>
            <translation>运行中</translation>
        </message>
        <message>
            <source>succeeded</source>
            <translation>成功</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>skipped</source>
            <translation>已跳过</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>已中断</translation>
        </message>
        <message>
            <source>full</source>
            <translation>完整</translation>
        </message>
        <message numerus="yes">
            <source>a full every %n backups</source>
            <translation>
                <numerusform>每 %n 个备份进行一次完整备份</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>a full every %n days</source>
            <translation>
                <numerusform>每 %n 天进行一次完整备份</numerusform>
            </translation>
        </message>
        <message>
            <source>incremental</source>
            <translation>增量备份</translation>
        </message>
        <message>
            <source>incremental, %1</source>
            <translation>增量备份,%1</translation>
        </message>
        <message>
            <source> or </source>
            <translation> 或 </translation>
        </message>
        <message>
            <source>invalid calendar</source>
            <translation>日历表达式无效</translation>
        </message>
        <message>
            <source>disabled</source>
            <translation>已停用</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>%1
(systemd: %2)</source>
            <translation>%1
(systemd:%2)</translation>
        </message>
        <message>
            <source>%1
%2</source>
            <translation>%1
%2</translation>
        </message>
        <message>
            <source>%1
id %2</source>
            <translation>%1
ID %2</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Volumes</source>
            <translation>卷</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <source>Next run</source>
            <translation>下次运行</translation>
        </message>
        <message>
            <source>Last run</source>
            <translation>上次运行</translation>
        </message>
        <message>
            <source>Last result</source>
            <translation>上次结果</translation>
        </message>
        <message>
            <source>Enabled</source>
            <translation>启用</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SchedulePanel</name>
        <message>
            <source>&lt;b&gt;Schedules&lt;/b&gt;</source>
            <translation>&lt;b&gt;计划&lt;/b&gt;</translation>
        </message>
        <message>
            <source>&amp;New…</source>
            <translation>新建(&amp;N)…</translation>
        </message>
        <message>
            <source>&amp;Edit…</source>
            <translation>编辑(&amp;E)…</translation>
        </message>
        <message>
            <source>&amp;Disable</source>
            <translation>停用(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Remove</source>
            <translation>移除(&amp;R)</translation>
        </message>
        <message>
            <source>Run &amp;now</source>
            <translation>立即运行(&amp;N)</translation>
        </message>
        <message>
            <source>Schedules run by the ember-schedule timer (systemd) even when Ember is closed: systemctl --user enable --now ember-schedule.timer</source>
            <translation>计划由 ember-schedule 定时器(systemd)运行,Ember 关闭时也会运行:systemctl --user enable --now ember-schedule.timer</translation>
        </message>
        <message>
            <source>The schedules could not be read: %1</source>
            <translation>无法读取计划:%1</translation>
        </message>
        <message>
            <source>The schedule was removed meanwhile.</source>
            <translation>该计划已在此期间被移除。</translation>
        </message>
        <message>
            <source>Remove Schedule</source>
            <translation>移除计划</translation>
        </message>
        <message>
            <source>Remove the schedule %1? Its volumes are no longer backed up by it; their backups and the job history stay.</source>
            <translation>移除计划 %1?该计划将不再备份其中的卷;这些卷的备份和任务历史记录将保留。</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <source>Schedule %1 (run now)</source>
            <translation>计划 %1(立即运行)</translation>
        </message>
        <message>
            <source>The schedule ran nothing: it has no volume left in the catalog.</source>
            <translation>该计划未运行任何任务:目录中已没有它的卷。</translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) done, %1 skipped (see the job history for why)</source>
            <translation>
                <numerusform>%n 个任务已完成,%1 个已跳过(原因见任务历史记录)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) done</source>
            <translation>
                <numerusform>%n 个任务已完成</numerusform>
            </translation>
        </message>
        <message>
            <source>Select a schedule first.</source>
            <translation>请先选择一个计划。</translation>
        </message>
        <message>
            <source>&amp;Enable</source>
            <translation>启用(&amp;E)</translation>
        </message>
        <message>
            <source>This schedule is running now (see Jobs).</source>
            <translation>此计划正在运行(见“任务”)。</translation>
        </message>
        <message>
            <source>Back up the schedule's volumes now, as a scheduled run would (recorded in the job history)</source>
            <translation>立即备份该计划的卷,与按计划运行相同(记录在任务历史记录中)</translation>
        </message>
        <message>
            <source>Schedules run by the ember-schedule timer (systemd) even when Ember is closed: the timer is enabled.</source>
            <translation>计划由 ember-schedule 定时器(systemd)运行,Ember 关闭时也会运行:该定时器已启用。</translation>
        </message>
        <message>
            <source>Schedules run by the ember-schedule timer (systemd) even when Ember is closed: systemctl enable --now ember-schedule.timer</source>
            <translation>计划由 ember-schedule 定时器(systemd)运行,Ember 关闭时也会运行:systemctl enable --now ember-schedule.timer</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SchemaOptionsPage</name>
        <message>
            <source>Show &amp;advanced options</source>
            <translation>显示高级选项(&amp;A)</translation>
        </message>
        <message>
            <source>
Default: %1</source>
            <translation>
默认值:%1</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>(choose one)</source>
            <translation>(请选择)</translation>
        </message>
        <message>
            <source>(not set)</source>
            <translation>(未设置)</translation>
        </message>
        <message>
            <source>kept in the keyring</source>
            <translation>保存在密钥环中</translation>
        </message>
        <message>
            <source>default: %1</source>
            <translation>默认值:%1</translation>
        </message>
        <message>
            <source>required</source>
            <translation>必填</translation>
        </message>
        <message>
            <source>kept in the keyring; type to replace it</source>
            <translation>保存在密钥环中;输入新值以替换</translation>
        </message>
        <message>
            <source>Enter the %1 (it is kept in the keyring).</source>
            <translation>请输入 %1(它保存在密钥环中)。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>General</source>
            <translation>常规</translation>
        </message>
        <message>
            <source>&amp;Jobs running at once:</source>
            <translation>同时运行的任务数(&amp;J):</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>语言(&amp;L):</translation>
        </message>
        <message>
            <source>New backups</source>
            <translation>新备份</translation>
        </message>
        <message>
            <source>Default &amp;backend:</source>
            <translation>默认后端(&amp;B):</translation>
        </message>
        <message>
            <source>&amp;Compression:</source>
            <translation>压缩(&amp;C):</translation>
        </message>
        <message>
            <source> KiB</source>
            <translation> KiB</translation>
        </message>
        <message>
            <source>&amp;Object size:</source>
            <translation>对象大小(&amp;O):</translation>
        </message>
        <message>
            <source>Compression and object size belong to the default backend and apply to its new backups; existing backups keep theirs.</source>
            <translation>压缩和对象大小属于默认后端,适用于其新备份;现有备份保持原有设置。</translation>
        </message>
        <message>
            <source>This backend type stores no chunked objects.</source>
            <translation>此类后端不存储分块对象。</translation>
        </message>
        <message>
            <source>Add a backend first.</source>
            <translation>请先添加后端。</translation>
        </message>
        <message>
            <source>Jobs</source>
            <translation>任务</translation>
        </message>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>Keep job &amp;history for:</source>
            <translation>任务历史记录保留(&amp;H):</translation>
        </message>
        <message>
            <source>When a job &amp;fails</source>
            <translation>任务失败时(&amp;F)</translation>
        </message>
        <message>
            <source>Desktop notification:</source>
            <translation>桌面通知:</translation>
        </message>
        <message>
            <source>When a job &amp;succeeds</source>
            <translation>任务成功时(&amp;S)</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>&amp;Command after each job:</source>
            <translation>每个任务后运行的命令(&amp;C):</translation>
        </message>
        <message>
            <source>Run by /bin/sh after every job (window, ember-cli and schedules alike), with the job's facts in EMBER_* environment variables: EMBER_JOB_RESULT, EMBER_JOB_REASON, EMBER_VOLUME_NAME, EMBER_BYTES_STORED, …</source>
            <translation>每个任务(窗口、ember-cli 和计划中的任务均是如此)结束后由 /bin/sh 运行,任务信息在 EMBER_* 环境变量中:EMBER_JOB_RESULT, EMBER_JOB_REASON, EMBER_VOLUME_NAME, EMBER_BYTES_STORED, …</translation>
        </message>
        <message>
            <source>none, e.g. /var/lib/prometheus/node-exporter/ember.prom</source>
            <translation>无,例如 /var/lib/prometheus/node-exporter/ember.prom</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Prometheus Metrics File</source>
            <translation>Prometheus 指标文件</translation>
        </message>
        <message>
            <source>Prometheus text files (*.prom)</source>
            <translation>Prometheus 文本文件 (*.prom)</translation>
        </message>
        <message>
            <source>&amp;Prometheus metrics file:</source>
            <translation>Prometheus 指标文件(&amp;P):</translation>
        </message>
        <message>
            <source>The job settings could not be read: %1</source>
            <translation>无法读取任务设置:%1</translation>
        </message>
        <message>
            <source>The metrics file needs an absolute path: scheduled runs do not start in your working directory.</source>
            <translation>指标文件需要绝对路径:计划运行不会在您的工作目录中启动。</translation>
        </message>
        <message>
            <source>The metrics file must end in .prom: node_exporter's textfile collector reads no other files.</source>
            <translation>指标文件必须以 .prom 结尾:node_exporter 的 textfile 收集器不读取其他文件。</translation>
        </message>
        <message>
            <source>The job settings were not saved: %1</source>
            <translation>任务设置未保存:%1</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::Source</name>
        <message>
            <source>%1 is not offered by %2.</source>
            <translation>%2 不提供%1。</translation>
        </message>
        <message>
            <source>No job runner is attached to %1.</source>
            <translation>%1 没有连接作业运行器。</translation>
        </message>
        <message>
            <source>Creating a backup</source>
            <translation>创建备份</translation>
        </message>
        <message>
            <source>Restoring</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>Deleting a backup</source>
            <translation>删除备份</translation>
        </message>
        <message>
            <source>Renaming a backup</source>
            <translation>重命名备份</translation>
        </message>
        <message>
            <source>Reset-state</source>
            <translation>重置状态</translation>
        </message>
        <message>
            <source>Export-record</source>
            <translation>导出记录</translation>
        </message>
        <message>
            <source>Import-record</source>
            <translation>导入记录</translation>
        </message>
        <message>
            <source>Force delete</source>
            <translation>强制删除</translation>
        </message>
        <message>
            <source>%1 keeps its backups in Cinder, which has no synthetic full backups, protection or retention policies: these are for the backups of this computer.</source>
            <translation>%1 的备份保存在 Cinder 中,而 Cinder 没有合成完整备份、保护和保留策略:这些功能仅适用于本机的备份。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SourceSet</name>
        <message>
            <source>This computer</source>
            <translation>本机</translation>
        </message>
        <message>
            <source>The secret of %1 is kept in the keyring, but this build has no keyring support.</source>
            <translation>%1 的机密保存在密钥环中,但此版本不支持密钥环。</translation>
        </message>
        <message>
            <source>The keyring has no secret for %1: connect to it again with “Connect to an OpenStack cloud…”.</source>
            <translation>密钥环中没有 %1 的机密:请通过“连接到 OpenStack 云…”重新连接。</translation>
        </message>
        <message>
            <source>The secret of %1 could not be read from the keyring: %2</source>
            <translation>无法从密钥环读取 %1 的机密:%2</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SwiftPage</name>
        <message>
            <source>OpenStack Swift</source>
            <translation>OpenStack Swift</translation>
        </message>
        <message>
            <source>Backups are stored as objects in a Swift container, in the format of Cinder's Swift driver.</source>
            <translation>备份以对象形式存放在 Swift 容器中,格式与 Cinder 的 Swift 驱动相同。</translation>
        </message>
        <message>
            <source>Account</source>
            <translation>账户</translation>
        </message>
        <message>
            <source>https://keystone.example.com:5000/v3</source>
            <translation>https://keystone.example.com:5000/v3</translation>
        </message>
        <message>
            <source>Auth &amp;URL:</source>
            <translation>认证 URL(&amp;U):</translation>
        </message>
        <message>
            <source>1 (TempAuth, X-Auth-User/X-Auth-Key)</source>
            <translation>1(TempAuth,X-Auth-User/X-Auth-Key)</translation>
        </message>
        <message>
            <source>2 (Keystone v2)</source>
            <translation>2(Keystone v2)</translation>
        </message>
        <message>
            <source>3 (Keystone v3)</source>
            <translation>3(Keystone v3)</translation>
        </message>
        <message>
            <source>Auth &amp;version:</source>
            <translation>认证版本(&amp;V):</translation>
        </message>
        <message>
            <source>account:user</source>
            <translation>账户:用户</translation>
        </message>
        <message>
            <source>U&amp;ser:</source>
            <translation>用户(&amp;S):</translation>
        </message>
        <message>
            <source>kept in the keyring</source>
            <translation>保存在密钥环中</translation>
        </message>
        <message>
            <source>&amp;Key (password):</source>
            <translation>密钥(密码)(&amp;K):</translation>
        </message>
        <message>
            <source>User &amp;domain:</source>
            <translation>用户域(&amp;D):</translation>
        </message>
        <message>
            <source>&amp;Project:</source>
            <translation>项目(&amp;P):</translation>
        </message>
        <message>
            <source>Project d&amp;omain:</source>
            <translation>项目域(&amp;O):</translation>
        </message>
        <message>
            <source>any region</source>
            <translation>任意区域</translation>
        </message>
        <message>
            <source>&amp;Region:</source>
            <translation>区域(&amp;R):</translation>
        </message>
        <message>
            <source>Storage</source>
            <translation>存储</translation>
        </message>
        <message>
            <source>&amp;Container:</source>
            <translation>容器(&amp;C):</translation>
        </message>
        <message>
            <source>the cluster's default</source>
            <translation>集群默认值</translation>
        </message>
        <message>
            <source>Storage p&amp;olicy:</source>
            <translation>存储策略(&amp;O):</translation>
        </message>
        <message>
            <source> KiB</source>
            <translation> KiB</translation>
        </message>
        <message>
            <source>O&amp;bject size:</source>
            <translation>对象大小(&amp;B):</translation>
        </message>
        <message>
            <source>SHA b&amp;lock size:</source>
            <translation>SHA 块大小(&amp;L):</translation>
        </message>
        <message>
            <source>Co&amp;mpression:</source>
            <translation>压缩(&amp;M):</translation>
        </message>
        <message>
            <source>Warning: without certificate checks anyone between Ember and Swift can read the key and the backups, or change them. Use a CA certificate file instead.</source>
            <translation>警告:不检查证书时,Ember 与 Swift 之间的任何人都能读取密钥和备份,或篡改它们。请改用 CA 证书文件。</translation>
        </message>
        <message>
            <source>user name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>http://swift.example.com:8080/auth/v1.0</source>
            <translation>http://swift.example.com:8080/auth/v1.0</translation>
        </message>
        <message>
            <source>stored in the keyring; leave empty to keep it</source>
            <translation>已保存在密钥环中;留空则保留</translation>
        </message>
        <message>
            <source>The auth URL must be an http:// or https:// address, e.g. %1.</source>
            <translation>认证 URL 必须是 http:// 或 https:// 地址,例如 %1。</translation>
        </message>
        <message>
            <source>A container name may not contain “/”.</source>
            <translation>容器名称不能包含“/”。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SynthesizeDialog</name>
        <message>
            <source>Synthesize Full Backup</source>
            <translation>合成完整备份</translation>
        </message>
        <message>
            <source>A new full backup holding the state of &lt;b&gt;%1&lt;/b&gt;, built from its chain's stored objects without reading the volume, in the same backend, compression and Cinder format. The incrementals taken on top of it can move onto the new full, which leaves the older part of the chain deletable, newest first.</source>
            <translation>一个保存 &lt;b&gt;%1&lt;/b&gt; 状态的新完整备份,由其链中已存储的对象构建,无需读取卷,使用相同的后端、压缩方式和 Cinder 格式。基于它创建的增量备份可以移到新的完整备份上,这样链中较旧的部分就可以删除(从最新的开始)。</translation>
        </message>
        <message>
            <source>synthetic full of %1</source>
            <translation>%1 的合成完整备份</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N):</translation>
        </message>
        <message>
            <source>&amp;Move the incrementals taken on it onto the new full</source>
            <translation>将基于它创建的增量备份移到新的完整备份上(&amp;M)</translation>
        </message>
        <message>
            <source>The chain (full first):</source>
            <translation>链(完整备份在前):</translation>
        </message>
        <message>
            <source>Move onto the new full:</source>
            <translation>移到新的完整备份上:</translation>
        </message>
        <message>
            <source>Deletable afterwards (newest first):</source>
            <translation>之后可删除(从最新的开始):</translation>
        </message>
        <message>
            <source>Reading what would move…</source>
            <translation>正在读取将要移动的备份…</translation>
        </message>
        <message>
            <source>&amp;Synthesize</source>
            <translation>合成(&amp;S)</translation>
        </message>
        <message>
            <source>The preview could not be read.</source>
            <translation>无法读取预览。</translation>
        </message>
        <message>
            <source>Without moving the incrementals, the new full stands beside the chain and nothing becomes deletable.</source>
            <translation>如果不移动增量备份,新的完整备份将与链并存,没有任何备份会变为可删除。</translation>
        </message>
        <message>
            <source>Nothing was taken on this backup, so nothing moves.</source>
            <translation>没有基于此备份创建的备份,因此无需移动。</translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) move onto the new full; %1 can then be deleted.</source>
            <translation>
                <numerusform>%n 个备份将移到新的完整备份上;之后可以删除 %1。</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::TestPage</name>
        <message>
            <source>Connection Test</source>
            <translation>连接测试</translation>
        </message>
        <message>
            <source>Ember checks that it can store backups with these settings.</source>
            <translation>Ember 将检查能否使用这些设置存储备份。</translation>
        </message>
        <message>
            <source>Test &amp;Again</source>
            <translation>重新测试(&amp;A)</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::TlsOptionsBox</name>
        <message>
            <source>TLS</source>
            <translation>TLS</translation>
        </message>
        <message>
            <source>the system's trusted certificates</source>
            <translation>系统信任的证书</translation>
        </message>
        <message>
            <source>Bro&amp;wse…</source>
            <translation>浏览(&amp;W)…</translation>
        </message>
        <message>
            <source>CA c&amp;ertificate file:</source>
            <translation>CA 证书文件(&amp;E):</translation>
        </message>
        <message>
            <source>Do not check &amp;certificates (insecure)</source>
            <translation>不检查证书(不安全)(&amp;C)</translation>
        </message>
        <message>
            <source>CA Certificate File</source>
            <translation>CA 证书文件</translation>
        </message>
        <message>
            <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
            <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
        </message>
        <message>
            <source>The CA certificate file %1 does not exist.</source>
            <translation>CA 证书文件 %1 不存在。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::TrayIcon</name>
        <message>
            <source>%1 %</source>
            <translation>%1%</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1:%2</translation>
        </message>
        <message>
            <source>Show Ember</source>
            <translation>显示 Ember</translation>
        </message>
        <message>
            <source>Ember: jobs active: %1</source>
            <translation>Ember:%1 个活动任务</translation>
        </message>
        <message>
            <source>Ember</source>
            <translation>Ember</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::TsmPage</name>
        <message>
            <source>IBM Spectrum Protect (TSM)</source>
            <translation>IBM Spectrum Protect (TSM)</translation>
        </message>
        <message>
            <source>Backups are sent to a TSM server through IBM's dsmc client, as Cinder's TSM driver did.</source>
            <translation>备份通过 IBM 的 dsmc 客户端发送到 TSM 服务器,与 Cinder 的 TSM 驱动相同。</translation>
        </message>
        <message>
            <source>&amp;Browse…</source>
            <translation>浏览(&amp;B)…</translation>
        </message>
        <message>
            <source>&amp;dsmc client:</source>
            <translation>dsmc 客户端(&amp;D):</translation>
        </message>
        <message>
            <source>the client's dsm.opt</source>
            <translation>客户端的 dsm.opt</translation>
        </message>
        <message>
            <source>&amp;Options file:</source>
            <translation>选项文件(&amp;O):</translation>
        </message>
        <message>
            <source>the default stanza of dsm.sys</source>
            <translation>dsm.sys 中的默认节</translation>
        </message>
        <message>
            <source>&amp;Server stanza:</source>
            <translation>服务器节(&amp;S):</translation>
        </message>
        <message>
            <source>this machine's node</source>
            <translation>本机的节点</translation>
        </message>
        <message>
            <source>&amp;Node name:</source>
            <translation>节点名(&amp;N):</translation>
        </message>
        <message>
            <source>empty: the client's stored password (PASSWORDACCESS GENERATE)</source>
            <translation>留空:使用客户端已存储的密码(PASSWORDACCESS GENERATE)</translation>
        </message>
        <message>
            <source>&amp;Password:</source>
            <translation>密码(&amp;P):</translation>
        </message>
        <message>
            <source>&amp;Compress on the client</source>
            <translation>在客户端压缩(&amp;C)</translation>
        </message>
        <message>
            <source>Object name &amp;prefix:</source>
            <translation>对象名前缀(&amp;P):</translation>
        </message>
        <message>
            <source>Every TSM backup is a full backup: TSM keeps no incremental chains of volumes. The password is kept in the keyring and typed to dsmc, never put on its command line. Ember's TSM support was tested against an emulator of dsmc only, not against IBM's client and server.</source>
            <translation>每个 TSM 备份都是完整备份:TSM 不保存卷的增量链。密码保存在系统密钥环中,通过输入方式交给 dsmc,绝不会出现在其命令行上。Ember 的 TSM 支持仅在 dsmc 模拟器上测试过,未在 IBM 的客户端和服务器上测试。</translation>
        </message>
        <message>
            <source>dsmc Client</source>
            <translation>dsmc 客户端</translation>
        </message>
        <message>
            <source>Found: %1</source>
            <translation>已找到:%1</translation>
        </message>
        <message>
            <source>dsmc not found: it is neither on PATH nor at %1. Install IBM's backup-archive client or enter its path.</source>
            <translation>未找到 dsmc:它既不在 PATH 中,也不在 %1。请安装 IBM 的备份归档客户端,或输入其路径。</translation>
        </message>
        <message>
            <source>dsmc not found at %1 (or it is not executable).</source>
            <translation>在 %1 未找到 dsmc(或它不可执行)。</translation>
        </message>
        <message>
            <source>empty: keep the stored password, if any</source>
            <translation>留空:保留已存储的密码(如有)</translation>
        </message>
        <message>
            <source>The prefix may contain only letters, digits, “_”, “.” and “-”: it becomes part of the object names on the TSM server.</source>
            <translation>前缀只能包含字母、数字、“_”、“.”和“-”:它会成为 TSM 服务器上对象名称的一部分。</translation>
        </message>
        <message>
            <source>The options file %1 does not exist.</source>
            <translation>选项文件 %1 不存在。</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::VolumeModel</name>
        <message>
            <source>Image file</source>
            <translation>镜像文件</translation>
        </message>
        <message>
            <source>Block device</source>
            <translation>块设备</translation>
        </message>
        <message>
            <source>RBD image</source>
            <translation>RBD 镜像</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source>%1
%2
id %3</source>
            <translation>%1
%2
ID %3</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>种类</translation>
        </message>
        <message>
            <source>Path</source>
            <translation>路径</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Backups</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>Last backup</source>
            <translation>上次备份</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Attached to</source>
            <translation>挂载到</translation>
        </message>
        <message>
            <source>Bootable</source>
            <translation>可启动</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::VolumePanel</name>
        <message>
            <source>&lt;b&gt;Volumes&lt;/b&gt;</source>
            <translation>&lt;b&gt;卷&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Filter volumes (Ctrl+F)</source>
            <translation>筛选卷 (Ctrl+F)</translation>
        </message>
        <message>
            <source>&lt;h3&gt;No volumes yet&lt;/h3&gt;&lt;p&gt;Register a disk image or block device to back it up, or try Ember on a small sample volume.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;还没有卷&lt;/h3&gt;&lt;p&gt;登记一个磁盘镜像或块设备以进行备份,或先在一个小的示例卷上试用 Ember。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Add a Volume…</source>
            <translation>添加卷…</translation>
        </message>
        <message>
            <source>Create a Sample Volume</source>
            <translation>创建示例卷</translation>
        </message>
        <message>
            <source>The project whose volumes and backups are shown</source>
            <translation>显示其卷和备份的项目</translation>
        </message>
        <message>
            <source>All statuses</source>
            <translation>所有状态</translation>
        </message>
        <message>
            <source>Project:</source>
            <translation>项目:</translation>
        </message>
        <message>
            <source>Status:</source>
            <translation>状态:</translation>
        </message>
        <message>
            <source>All projects</source>
            <translation>所有项目</translation>
        </message>
        <message>
            <source>Without the admin role a cloud shows only the project you logged in to.</source>
            <translation>没有管理员角色时,云只显示您登录的项目。</translation>
        </message>
        <message>
            <source>The lists could not be read: %1 (Refresh tries again.)</source>
            <translation>无法读取列表:%1(“刷新”会重试。)</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::VolumeResetStateDialog</name>
        <message>
            <source>Reset Volume State</source>
            <translation>重置卷状态</translation>
        </message>
        <message>
            <source>Set the status of volume %1 (now “%2”) without touching its data.</source>
            <translation>设置卷 %1 的状态(当前为“%2”),不改动其数据。</translation>
        </message>
        <message>
            <source>A restore into this volume failed or was interrupted, so it may hold part old and part restored data. Until its status is reset Ember neither backs it up nor restores onto it. Restore into it again, or check its data, then set it to available.</source>
            <translation>恢复到此卷的操作失败或被中断,因此它可能一部分是旧数据、一部分是已恢复的数据。在重置其状态之前,Ember 既不会备份它,也不会向它恢复。请重新恢复到此卷,或检查其数据,然后将其设为可用。</translation>
        </message>
        <message>
            <source>Use this only to repair a volume left in a wrong state (as Cinder's reset-state does), for example after a failed or interrupted restore left it error_restoring.</source>
            <translation>仅用于修复处于错误状态的卷(与 Cinder 的 reset-state 相同),例如恢复失败或被中断使其处于 error_restoring 之后。</translation>
        </message>
        <message>
            <source>Reset State</source>
            <translation>重置状态</translation>
        </message>
    </context>
    <context>
        <name>ember::ui::cloudchains</name>
        <message>
            <source>link inferred from Cinder's rule (the volume's newest backup by data_timestamp when the incremental was made)</source>
            <translation>按 Cinder 的规则推断的链接(创建增量备份时该卷按 data_timestamp 最新的备份)</translation>
        </message>
        <message>
            <source>its parent %1 is not in the list (another project?)</source>
            <translation>其父备份 %1 不在列表中(属于其他项目?)</translation>
        </message>
        <message>
            <source>incremental, but no earlier backup of its volume is listed: the parent is unknown</source>
            <translation>是增量备份,但列表中没有其卷更早的备份:父备份未知</translation>
        </message>
        <message>
            <source>the inferred parent %1 reports no dependent backups: the link is doubtful</source>
            <translation>推断的父备份 %1 报告没有依赖备份:该链接存疑</translation>
        </message>
        <message>
            <source>Cinder reports dependent backups, but none of the listed backups was found to depend on it</source>
            <translation>Cinder 报告存在依赖备份,但列出的备份中没有发现依赖于它的备份</translation>
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>Back up and restore block volumes in Cinder's formats.</source>
            <translation>以 Cinder 的格式备份和恢复块卷。</translation>
        </message>
        <message>
            <source>Use the catalog database at &lt;path&gt;.</source>
            <translation>使用位于 &lt;path&gt; 的目录数据库。</translation>
        </message>
        <message>
            <source>path</source>
            <translation>路径</translation>
        </message>
    </context>
</TS>