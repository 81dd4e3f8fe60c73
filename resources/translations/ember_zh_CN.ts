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
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>%1/s</source>
            <translation>%1/秒</translation>
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
        <name>JobRunner</name>
        <message>
            <source>Cancelled by request.</source>
            <translation>已按请求取消。</translation>
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
            <source>Read the catalog again</source>
            <translation>重新读取目录</translation>
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
            <translation>强制:即使卷正在使用也进行备份(&amp;F)</translation>
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
            <translation>保存在系统密钥环中</translation>
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
            <source>Warning: without certificate checks anyone between Ember and Swift can read the key and the backups, or change them. Use a CA certificate file instead.</source>
            <translation>警告:不检查证书时,Ember 与 Swift 之间的任何人都能读取密钥和备份,或篡改它们。请改用 CA 证书文件。</translation>
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
        <message>
            <source>The CA certificate file %1 does not exist.</source>
            <translation>CA 证书文件 %1 不存在。</translation>
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