# Simplified Chinese for Ember's desktop application, keyed by the English
# source text without its accelerator (&X) and trailing ellipsis; fill_ts.py
# puts "(&X)" and "…" back the way Chinese menus show them.
ZH = {
 'yes': '是', 'no': '否', '%1 GiB': '%1 GiB', 'Chain:': '链:', '%1/s': '%1/秒', '%1 s': '%1 秒',
 '%1 min %2 s': '%1 分 %2 秒', '%1 h %2 min': '%1 小时 %2 分', 'Cancelled by request.': '已按请求取消。',
 'queued': '排队中', 'running': '运行中', 'cancelling': '正在取消', 'done': '完成', 'failed': '失败',
 'cancelled': '已取消', 'System language': '系统语言', 'creating': '创建中', 'available': '可用',
 'deleting': '删除中', 'deleted': '已删除', 'error': '错误', 'error deleting': '删除出错',
 'restoring': '恢复中', 'in use': '使用中', 'backing up': '备份中', 'error restoring': '恢复出错',
 'Add Volume': '添加卷', 'An existing image file or block device': '现有的镜像文件或块设备',
 'A new sparse image file': '新的稀疏镜像文件', '/path/to/volume.img or /dev/sdX': '/路径/卷.img 或 /dev/sdX',
 'Browse': '浏览', 'Path:': '路径:', 'defaults to the file name': '默认为文件名', 'Name:': '名称:',
 'MiB': 'MiB', 'GiB': 'GiB', 'Size:': '大小:', 'Choose a volume': '选择卷',
 'Enter the path of the volume.': '请输入卷的路径。',
 '%1 already exists; choose a new file name.': '%1 已存在;请选择新的文件名。',
 'The folder %1 does not exist.': '文件夹 %1 不存在。', '%1 does not exist.': '%1 不存在。',
 '%1 is neither an image file nor a block device.': '%1 既不是镜像文件也不是块设备。',
 'You have no permission to read %1.': '您没有读取 %1 的权限。', 'default': '默认', 'Name': '名称',
 'Type': '类型', 'Location': '位置', 'Default': '默认', 'Backups': '备份', 'Edit Backend %1': '编辑后端 %1',
 'Add Backend': '添加后端', 'Save': '保存', 'Backends': '后端', 'Add': '添加', 'Edit': '编辑', 'Test': '测试',
 'Make Default': '设为默认', 'Remove': '移除', 'Close': '关闭',
 '%n backup(s) are stored on this backend: delete them first.': '此后端上存有 %n 个备份:请先删除它们。',
 'This is the default backend: make another backend the default first.': '这是默认后端:请先将另一个后端设为默认。',
 'Test Backend %1': '测试后端 %1', 'Remove Backend': '移除后端',
 'Remove the backend “%1”? Its directory and files are kept.': '移除后端“%1”?其目录和文件将保留。',
 'full': '完整', 'incremental, level %1': '增量,第 %1 级',
 '%n incremental backup(s) depend on this one': '有 %n 个增量备份依赖于此备份', 'Status': '状态', 'Size': '大小',
 'Stored': '已存储', 'Incremental': '增量', 'Objects': '对象数', 'Container': '容器', 'Backend': '后端',
 'Created': '创建时间', 'Data timestamp': '数据时间戳', 'Dependents': '依赖数', 'Volume': '卷', 'Check': '检查项',
 'Result': '结果', 'waiting': '等待中', 'Testing': '正在测试', 'ok': '正常', 'All checks passed.': '所有检查均已通过。',
 '%n check(s) failed: fix the settings and test again.': '%n 项检查失败:请修正设置后重新测试。',
 'Create Backup of %1': '创建 %1 的备份', 'optional': '可选', 'Description:': '描述:', '%1 (default)': '%1(默认)',
 'Backend:': '后端:', "the backend's default": '后端的默认值', 'Container:': '容器:',
 'Incremental: store only what changed since the parent': '增量:只保存自父备份以来的更改',
 'Force: back up although the volume is in use': '强制:即使卷正在使用也进行备份', 'Create Backup': '创建备份',
 'No backups available to do an incremental backup.': '没有可用于增量备份的备份。',
 'The parent backup %1 is stored on backend “%2”; choose that backend for an incremental backup.':
     '父备份 %1 存储在后端“%2”上;要进行增量备份,请选择该后端。',
 'Parent: %1. Restoring the new backup will also read it.': '父备份:%1。恢复新备份时也会读取它。',
 'An incremental backup would be taken on top of %1.': '增量备份将基于 %1 进行。',
 "This volume is in use. Data that changes while it is read may be inconsistent in the backup (as with Cinder's --force); stop the applications writing to it, or check Force to accept that.":
     '此卷正在使用中。读取期间发生变化的数据在备份中可能不一致(与 Cinder 的 --force 相同);请停止向其写入的应用程序,或勾选“强制”以接受这一点。',
 'The volume is busy: %1 running since %2.': '卷正忙:%1 自 %2 起运行中。', 'Configure a backend first.': '请先配置后端。',
 'Edit Backup': '编辑备份', 'Backup Record of %1': '%1 的备份记录',
 'Import this record into Cinder (cinder backup-import) or another Ember catalog to make the backup known there.':
     '将此记录导入 Cinder(cinder backup-import)或另一个 Ember 目录,即可在那里使用此备份。',
 'backup_service:': 'backup_service:', 'backup_url:': 'backup_url:', 'Copy to Clipboard': '复制到剪贴板',
 'Save to File': '保存到文件', 'Save Backup Record': '保存备份记录', 'Backup records (*.json)': '备份记录 (*.json)',
 'Could not write %1: %2': '无法写入 %1:%2', 'Name the backend and choose where it keeps backups.': '为后端命名并选择其保存备份的位置。',
 'not configurable in this version': '此版本中无法配置', '%1 — %2': '%1 — %2', 'Local directory': '本地目录',
 'Type:': '类型:', 'Use for new backups by default': '默认用于新备份',
 'A backend name may not contain “/” or spaces.': '后端名称不能包含“/”或空格。',
 'A backend named “%1” exists already.': '名为“%1”的后端已存在。',
 'This backend type cannot be configured here.': '此类后端无法在此配置。', 'Import Backup Record': '导入备份记录',
 'Paste a record exported by Cinder (cinder backup-export) or Ember, or load it from a file.':
     '粘贴由 Cinder(cinder backup-export)或 Ember 导出的记录,或从文件加载。',
 'Into backend:': '导入到后端:', 'Import': '导入', 'Load from File': '从文件加载', 'Load Backup Record': '加载备份记录',
 'Backup records (*.json);;All files (*)': '备份记录 (*.json);;所有文件 (*)', '%1 holds no backup record.': '%1 中没有备份记录。',
 'Enter the backup_service of the record.': '请输入记录的 backup_service。',
 'Enter the backup_url of the record.': '请输入记录的 backup_url。', 'backup_url is not valid Base64.': 'backup_url 不是有效的 Base64。',
 '%1 (%2)': '%1(%2)', '%1 of %2': '%1 / %2', 'Job': '任务', 'State': '状态', 'Progress': '进度',
 'Done / total': '已完成 / 总计', 'Rate': '速率', 'Time left': '剩余时间', 'Started': '开始时间', 'Outcome': '结果',
 '%1 queued': '%1 已排队', '%1 started': '%1 已开始', 'phase: %1': '阶段:%1', '%1 %2: %3': '%1 %2:%3',
 'Cancelled before it started.': '在开始前已取消。', 'cancel requested': '已请求取消', 'Sizes must be positive.': '大小必须为正数。',
 'The object size (%1 bytes) must be a multiple of the SHA block size (%2 bytes), as Cinder requires.':
     '对象大小(%1 字节)必须是 SHA 块大小(%2 字节)的整数倍,这是 Cinder 的要求。',
 'Local Directory': '本地目录',
 "Backups are stored as files in a directory, in Cinder's posix driver format (an NFS mount works too).":
     '备份以 Cinder posix 驱动的格式作为文件存储在目录中(也可以使用 NFS 挂载点)。',
 '/srv/backups': '/srv/backups', 'Directory:': '目录:', 'Compression:': '压缩:', ' KiB': ' KiB', 'Object size:': '对象大小:',
 'SHA block size:': 'SHA 块大小:',
 "Incremental backups compare SHA-256 hashes of blocks of this size. Keep Cinder's defaults to share backups with Cinder.":
     '增量备份按此大小的块比较 SHA-256 哈希。若要与 Cinder 共享备份,请保留 Cinder 的默认值。',
 'Backup Directory': '备份目录', 'Enter an absolute path, e.g. /srv/backups.': '请输入绝对路径,例如 /srv/backups。',
 'The directory exists': '目录存在', '%1 exists but is not a directory.': '%1 存在,但不是目录。',
 '%1 does not exist and could not be created.': '%1 不存在,且无法创建。', 'created %1': '已创建 %1', 'Free space': '可用空间',
 'cannot tell the free space of %1': '无法确定 %1 的可用空间', '%1 free of %2 on %3': '%3 上 %2 中可用 %1',
 '%1: less than one object': '%1:不足一个对象', '%1: less than 1 GiB': '%1:不足 1 GiB', 'Write permission': '写入权限',
 'cannot write in %1: %2': '无法在 %1 中写入:%2', 'data written to %1 did not read back': '写入 %1 的数据无法正确读回',
 'wrote, read back and removed a test file': '已写入、读回并删除测试文件', 'Ember — Volume Backups': 'Ember — 卷备份',
 'Loading the catalog': '正在加载目录', 'Cannot read the catalog: %1': '无法读取目录:%1', '%1: %2': '%1:%2',
 'Add Volume': '添加卷', 'Ctrl+N': 'Ctrl+N',
 'Register an image file or block device, or create a new image': '登记镜像文件或块设备,或创建新镜像',
 'Create Sample Volume': '创建示例卷', 'Create a small image with recognisable content to try Ember on': '创建一个内容易于识别的小镜像来试用 Ember',
 'Remove Volume': '移除卷', 'Ctrl+Del': 'Ctrl+Del', 'Forget the selected volume (its data and backups stay)': '从列表中移除所选卷(其数据和备份保留)',
 'Create Backup': '创建备份', 'Ctrl+B': 'Ctrl+B', 'Back up the selected volume': '备份所选卷', 'Restore': '恢复',
 'Ctrl+R': 'Ctrl+R', 'Restore the selected backup': '恢复所选备份', 'Delete Backup': '删除备份',
 'Delete the selected backup': '删除所选备份', 'Force Delete': '强制删除', 'Shift+Del': 'Shift+Del',
 'Administrator: delete a backup stuck in any status': '管理员:删除处于任意状态的卡住的备份', 'Verify': '校验',
 'Ctrl+Y': 'Ctrl+Y', "Read the backup's chain and check every object and hash": '读取备份链并检查每个对象和哈希',
 'Export Record': '导出记录', 'Ctrl+E': 'Ctrl+E', "Show the backup's record for Cinder's backup-import": '显示用于 Cinder backup-import 的备份记录',
 'Import Record': '导入记录', 'Ctrl+I': 'Ctrl+I', 'Make a backup known from its record': '通过备份记录登记备份',
 'Reset State': '重置状态', 'Ctrl+Shift+R': 'Ctrl+Shift+R',
 "Administrator: set a backup's status to available or error": '管理员:将备份状态设为“可用”或“错误”',
 'Edit Name and Description': '编辑名称和描述', 'F2': 'F2', 'Rename the selected backup': '重命名所选备份', 'Refresh': '刷新',
 'Read the catalog again': '重新读取目录', 'Cancel Job': '取消任务', 'Ctrl+Shift+X': 'Ctrl+Shift+X', 'Stop the selected job': '停止所选任务',
 'Clear Finished Jobs': '清除已完成的任务', 'Remove finished jobs from the list': '从列表中移除已完成的任务', 'Copy Job Log': '复制任务日志',
 'Ctrl+Shift+C': 'Ctrl+Shift+C', "Copy the selected job's log to the clipboard": '将所选任务的日志复制到剪贴板',
 'Ctrl+Shift+B': 'Ctrl+Shift+B', 'Add, edit, test and remove backends': '添加、编辑、测试和移除后端', 'Settings': '设置',
 'Application settings': '应用程序设置', 'Quit': '退出', 'Quit Ember': '退出 Ember', 'About Ember': '关于 Ember',
 "<b>Ember %1</b><p>Backs up block volumes in OpenStack Cinder's formats.</p><p>Catalog: %2</p>":
     '<b>Ember %1</b><p>以 OpenStack Cinder 的格式备份块卷。</p><p>目录:%2</p>',
 'Ctrl+Q': 'Ctrl+Q', 'File': '文件', 'Backup': '备份', 'Administration': '管理', 'Jobs': '任务', 'View': '视图', 'Help': '帮助',
 'Main': '主工具栏', '<b>Volumes</b>': '<b>卷</b>', 'Filter volumes (Ctrl+F)': '筛选卷 (Ctrl+F)',
 '<h3>No volumes yet</h3><p>Register a disk image or block device to back it up, or try Ember on a small sample volume.</p>':
     '<h3>还没有卷</h3><p>登记一个磁盘镜像或块设备以进行备份,或先在一个小的示例卷上试用 Ember。</p>',
 'Add a Volume': '添加卷', 'Create a Sample Volume': '创建示例卷', '<b>Backup chains</b>': '<b>备份链</b>',
 'Filter backups': '筛选备份', '<b>Jobs</b>': '<b>任务</b>', 'Clear Finished': '清除已完成', "The selected job's log": '所选任务的日志',
 '%n volume(s), %1 backups; catalog read in %2 ms': '%n 个卷,%1 个备份;目录读取用时 %2 毫秒',
 '<b>Backup chains of %1</b>': '<b>%1 的备份链</b>', '<b>Backup chains of %n volume(s)</b>': '<b>%n 个卷的备份链</b>',
 'Select a backup first.': '请先选择一个备份。',
 '%n incremental backup(s) depend on this one (%1): delete them first.': '有 %n 个增量备份依赖于此备份(%1):请先删除它们。',
 'A job of this window runs on the volume; wait for it to finish.': '本窗口的一个任务正在此卷上运行;请等待其完成。',
 'The volume is busy: %1 running since %2 (process %3).': '卷正忙:%1 自 %2 起运行中(进程 %3)。',
 'The catalog is still loading.': '目录仍在加载中。', 'Select only one volume.': '请只选择一个卷。', 'Select a volume first.': '请先选择一个卷。',
 'Only available backups can be %1; this one is %2.': '只有可用的备份才能被%1;此备份的状态为“%2”。',
 'restored': '恢复', 'verified': '校验', 'exported': '导出', 'Select a job first.': '请先选择一个任务。',
 'This job has finished.': '此任务已结束。', 'The job is being cancelled.': '此任务正在取消。',
 '<b>Jobs</b> — %n active': '<b>任务</b> — %n 个活动', '<h3>%1</h3><p>%2<br>%3, %4</p>': '<h3>%1</h3><p>%2<br>%3,%4</p>',
 '<p>The next incremental backup will build on %1.</p>': '<p>下一个增量备份将基于 %1。</p>',
 '<p>Incremental backups: %1</p>': '<p>增量备份:%1</p>', '<p>Select a backup to see its details.</p>': '<p>选择一个备份以查看其详细信息。</p>',
 '<p>Select a volume to see its backup chains.</p>': '<p>选择一个卷以查看其备份链。</p>',
 '<p><b>Not possible now:</b></p><ul>%1</ul>': '<p><b>当前无法执行:</b></p><ul>%1</ul>',
 '%1 already exists.': '%1 已存在。', 'Cannot create %1: %2': '无法创建 %1:%2', 'Cannot write %1: %2': '无法写入 %1:%2',
 'Sample volume created: back it up with Create Backup.': '示例卷已创建:请使用“创建备份”来备份它。',
 "Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup(s).": '从 Ember 中移除 %1(%2)?卷的数据不会被改动。它有 %n 个备份。',
 'Incremental backup of %1': '%1 的增量备份', 'Full backup of %1': '%1 的完整备份', 'backup %1 on backend %2%3': '备份 %1,后端 %2%3',
 ', parent %1': ',父备份 %1', 'backup %1 available: %2 objects, %3 stored': '备份 %1 可用:%2 个对象,已存储 %3',
 'Restore %1 to %2': '将 %1 恢复到 %2', 'restoring a chain of %n backup(s) into %1': '正在将包含 %n 个备份的链恢复到 %1',
 'restored into %1 (%2)': '已恢复到 %1(%2)',
 'Delete backup %1 of volume %2 (%3 objects on backend %4)? Its data is removed from the backend; this cannot be undone.':
     '删除卷 %2 的备份 %1(后端 %4 上的 %3 个对象)?其数据将从后端删除;此操作无法撤销。',
 'Force delete ignores the status “%1”; a backup still being written is stopped and its objects removed.':
     '强制删除会忽略状态“%1”;仍在写入的备份将被停止,其对象将被删除。',
 'Force Delete Backup': '强制删除备份', 'Delete': '删除', 'Force delete %1': '强制删除 %1', 'Delete %1': '删除 %1',
 'backup %1 deleted': '备份 %1 已删除', 'Verify %1': '校验 %1', '%n problem(s) found: %1': '发现 %n 个问题:%1',
 'intact: %1 objects, %2 blocks, %3 checked': '完好:已检查 %1 个对象、%2 个块、%3', 'Imported backup %1.': '已导入备份 %1。',
 'Stop “%1”? What it wrote so far is removed and the catalog keeps the state from before.': '停止“%1”?已写入的内容将被删除,目录保持之前的状态。',
 'Stop Job': '停止任务', 'Job log copied.': '任务日志已复制。', 'The language changes fully after a restart.': '重新启动后语言将完全切换。',
 'Jobs Are Running': '任务正在运行',
 '%n job(s) are still running or queued. Cancel them and quit, or wait until they finish and then quit?':
     '仍有 %n 个任务正在运行或排队。是取消它们并退出,还是等待它们完成后再退出?',
 'Cancel Jobs and Quit': '取消任务并退出', 'Wait, Then Quit': '等待完成后退出', 'Keep Working': '继续工作',
 'Cancelling jobs; Ember quits when they have stopped.': '正在取消任务;任务停止后 Ember 将退出。',
 'Ember quits when the running jobs are finished.': '正在运行的任务完成后 Ember 将退出。', 'Reset Backup State': '重置备份状态',
 'Set the status of %1 (now “%2”) without touching its data. Use this only to repair a backup left in a wrong state.':
     '设置 %1 的状态(当前为“%2”),不改动其数据。仅用于修复处于错误状态的备份。',
 'Restore %1': '恢复 %1', 'Restore backup %1 (%2 GiB) to:': '将备份 %1(%2 GiB)恢复到:', 'The source volume %1': '源卷 %1',
 'The source volume (no longer registered)': '源卷(已不再登记)', 'Another registered volume:': '另一个已登记的卷:',
 'A new volume (an image file):': '新卷(镜像文件):', 'Location:': '位置:', 'New volume file': '新卷文件',
 'not registered': '未登记', 'Its current content will be replaced.': '其当前内容将被替换。', 'No other volume is registered.': '没有登记其他卷。',
 'busy: %1 running': '忙:%1 运行中', 'Choose a volume large enough for this backup.': '请选择一个足以容纳此备份的卷。',
 'Enter a name for the new volume.': '请输入新卷的名称。', 'Enter where to create the new volume.': '请输入新卷的创建位置。',
 'Overwrite Volume?': '覆盖卷?',
 'Restoring replaces the content of %1 (%2) with backup %3. Whatever is on the volume now is lost.':
     '恢复操作将用备份 %3 替换 %1(%2)的内容。卷上现有的数据将全部丢失。',
 'Overwrite': '覆盖', 'General': '常规', 'Jobs running at once:': '同时运行的任务数:', 'Language:': '语言:', 'New backups': '新备份',
 'Default backend:': '默认后端:',
 'Compression and object size belong to the default backend and apply to its new backups; existing backups keep theirs.':
     '压缩和对象大小属于默认后端,适用于其新备份;现有备份保持原有设置。',
 'This backend type stores no chunked objects.': '此类后端不存储分块对象。', 'Add a backend first.': '请先添加后端。',
 'Connection Test': '连接测试', 'Ember checks that it can store backups with these settings.': 'Ember 将检查能否使用这些设置存储备份。',
 'Test Again': '重新测试', 'Image file': '镜像文件', 'Block device': '块设备', 'RBD image': 'RBD 镜像', 'never': '从未',
 '%1\n%2\nid %3': '%1\n%2\nID %3', 'Kind': '种类', 'Path': '路径', 'Last backup': '上次备份',
 "Back up and restore block volumes in Cinder's formats.": '以 Cinder 的格式备份和恢复块卷。',
 'Use the catalog database at <path>.': '使用位于 <path> 的目录数据库。', 'path': '路径',
}
ZH['Recovered %n interrupted operation(s): %1'] = '已恢复 %n 个中断的操作:%1'
ZH['Recovery of interrupted operations failed: %1'] = '恢复中断的操作失败:%1'

# English plural forms (ember_en.ts holds only the %n messages).
EN_PLURALS = {
 '%n backup(s) are stored on this backend: delete them first.':
     ('%n backup is stored on this backend: delete it first.', '%n backups are stored on this backend: delete them first.'),
 '%n incremental backup(s) depend on this one':
     ('%n incremental backup depends on this one', '%n incremental backups depend on this one'),
 '%n check(s) failed: fix the settings and test again.':
     ('%n check failed: fix the settings and test again.', '%n checks failed: fix the settings and test again.'),
 'Recovered %n interrupted operation(s): %1':
     ('Recovered %n interrupted operation: %1', 'Recovered %n interrupted operations: %1'),
 '%n volume(s), %1 backups; catalog read in %2 ms':
     ('%n volume, %1 backups; catalog read in %2 ms', '%n volumes, %1 backups; catalog read in %2 ms'),
 '<b>Backup chains of %n volume(s)</b>': ('<b>Backup chains of %n volume</b>', '<b>Backup chains of %n volumes</b>'),
 '%n incremental backup(s) depend on this one (%1): delete them first.':
     ('%n incremental backup depends on this one (%1): delete it first.',
      '%n incremental backups depend on this one (%1): delete them first.'),
 '<b>Jobs</b> — %n active': ('<b>Jobs</b> — %n active', '<b>Jobs</b> — %n active'),
 "Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup(s).":
     ("Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup.",
      "Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backups."),
 'restoring a chain of %n backup(s) into %1': ('restoring a chain of %n backup into %1', 'restoring a chain of %n backups into %1'),
 '%n problem(s) found: %1': ('%n problem found: %1', '%n problems found: %1'),
 '%n job(s) are still running or queued. Cancel them and quit, or wait until they finish and then quit?':
     ('%n job is still running or queued. Cancel it and quit, or wait until it finishes and then quit?',
      '%n jobs are still running or queued. Cancel them and quit, or wait until they finish and then quit?'),
}
ZH['Ctrl+Shift+N'] = 'Ctrl+Shift+N'
ZH['Ctrl+Shift+L'] = 'Ctrl+Shift+L'
ZH['The volume is in use: check Force to back it up anyway.'] = '卷正在使用中:勾选“强制”即可仍然备份。'
ZH['Backend %1 needs secrets (%2) but this build has no keyring support.'] = '后端 %1 需要机密信息(%2),但此版本不支持密钥环。'
ZH['Backend %1 needs secrets but this build has no keyring support.'] = '后端 %1 需要机密信息,但此版本不支持密钥环。'
ZH['Connecting'] = '正在连接'
ZH['Found'] = '发现'
# The Swift, Ceph and TSM pages of the backend wizard and the RBD image browser.
ZH.update({
 'Ceph RBD': 'Ceph RBD',
 "Backups are stored as RBD images in a pool of a Ceph cluster, in the layout of Cinder's Ceph driver.":
     '备份以 RBD 镜像的形式存放在 Ceph 集群的存储池中,布局与 Cinder 的 Ceph 驱动相同。',
 'Cluster': '集群', 'Configuration file:': '配置文件:', 'Monitor addresses:': '监视器地址:',
 'Ceph Configuration File': 'Ceph 配置文件', '10.0.0.1:6789,10.0.0.2:6789': '10.0.0.1:6789,10.0.0.2:6789',
 'Client user:': '客户端用户:', "the configuration file's keyring": '配置文件中指定的密钥环',
 'Ceph Keyring File': 'Ceph 密钥环文件', 'Keyring file:': '密钥环文件:',
 'or the key itself, kept in the keyring': '或直接填写密钥,保存在系统密钥环中', 'Key:': '密钥:',
 'Backup Pool': '备份存储池', 'Load Pools': '加载存储池', 'Pool:': '存储池:', ' MiB': ' MiB',
 'Chunk size:': '块大小:', 'default (the object size)': '默认(等于对象大小)', 'Stripe unit:': '条带单元:',
 'default (1)': '默认(1)', 'Stripe count:': '条带数:',
 "Discard bytes beyond the backup's size on restore": '恢复时丢弃超出备份大小的字节',
 'empty: keep the stored key, if any': '留空:保留已存储的密钥(如有)',
 'The Ceph configuration file %1 does not exist.': 'Ceph 配置文件 %1 不存在。',
 'The keyring file %1 does not exist.': '密钥环文件 %1 不存在。',
 'A pool name may not contain “/” or spaces.': '存储池名称不能包含“/”或空格。',
 'The chunk size must be a multiple of the stripe unit.': '块大小必须是条带单元的整数倍。',
 'Connecting to the cluster': '正在连接集群', 'This build of Ember has no Ceph support.': '此版本的 Ember 不支持 Ceph。',
 'Could not list the pools: %1': '无法列出存储池:%1', 'The cluster has no pools yet.': '该集群还没有存储池。',
 '%n pool(s) found; “%1” is not one of them.': '找到 %n 个存储池;“%1”不在其中。',
 '%n pool(s) found.': '找到 %n 个存储池。',
 'Add RBD Image': '添加 RBD 镜像',
 'Register an RBD image of a configured Ceph cluster as a volume': '将已配置 Ceph 集群中的 RBD 镜像登记为卷',
 'Cluster (Ceph backend):': '集群(Ceph 后端):', 'Images:': '镜像:', "the image's name": '镜像的名称',
 'Volume name:': '卷名称:',
 "No Ceph backend is configured. Add one under Backends first: it holds the cluster's address, user and key.":
     '尚未配置 Ceph 后端。请先在“后端”中添加一个:它保存集群的地址、用户和密钥。',
 'Connecting to the cluster of %1': '正在连接 %1 的集群', 'The cluster has no pools.': '该集群没有存储池。',
 'Listing the images of pool %1': '正在列出存储池 %1 中的镜像',
 'Could not list the images of pool %1: %2': '无法列出存储池 %1 中的镜像:%2',
 'Pool %1 has no RBD images.': '存储池 %1 中没有 RBD 镜像。', 'Reading the size of %1': '正在读取 %1 的大小',
 'Could not open %1: %2': '无法打开 %1:%2',
 'OpenStack Swift': 'OpenStack Swift',
 "Backups are stored as objects in a Swift container, in the format of Cinder's Swift driver.":
     '备份以对象形式存放在 Swift 容器中,格式与 Cinder 的 Swift 驱动相同。',
 'Account': '账户', 'https://keystone.example.com:5000/v3': 'https://keystone.example.com:5000/v3',
 'Auth URL:': '认证 URL:', '1 (TempAuth, X-Auth-User/X-Auth-Key)': '1(TempAuth,X-Auth-User/X-Auth-Key)',
 '2 (Keystone v2)': '2(Keystone v2)', '3 (Keystone v3)': '3(Keystone v3)', 'Auth version:': '认证版本:',
 'account:user': '账户:用户', 'User:': '用户:', 'kept in the keyring': '保存在系统密钥环中',
 'Key (password):': '密钥(密码):', 'User domain:': '用户域:', 'Project:': '项目:',
 'Project domain:': '项目域:', 'any region': '任意区域', 'Region:': '区域:', 'Storage': '存储',
 "the cluster's default": '集群默认值', 'Storage policy:': '存储策略:', 'TLS': 'TLS',
 "the system's trusted certificates": '系统信任的证书', 'CA certificate file:': 'CA 证书文件:',
 'Do not check certificates (insecure)': '不检查证书(不安全)',
 'Warning: without certificate checks anyone between Ember and Swift can read the key and the backups, or change them. Use a CA certificate file instead.':
     '警告:不检查证书时,Ember 与 Swift 之间的任何人都能读取密钥和备份,或篡改它们。请改用 CA 证书文件。',
 'CA Certificate File': 'CA 证书文件', 'Certificates (*.pem *.crt *.cer);;All files (*)': '证书 (*.pem *.crt *.cer);;所有文件 (*)',
 'user name': '用户名', 'http://swift.example.com:8080/auth/v1.0': 'http://swift.example.com:8080/auth/v1.0',
 'stored in the keyring; leave empty to keep it': '已保存在密钥环中;留空则保留',
 'The auth URL must be an http:// or https:// address, e.g. %1.': '认证 URL 必须是 http:// 或 https:// 地址,例如 %1。',
 'A container name may not contain “/”.': '容器名称不能包含“/”。',
 'The CA certificate file %1 does not exist.': 'CA 证书文件 %1 不存在。',
 'IBM Spectrum Protect (TSM)': 'IBM Spectrum Protect (TSM)',
 "Backups are sent to a TSM server through IBM's dsmc client, as Cinder's TSM driver did.":
     '备份通过 IBM 的 dsmc 客户端发送到 TSM 服务器,与 Cinder 的 TSM 驱动相同。',
 'dsmc client:': 'dsmc 客户端:', "the client's dsm.opt": '客户端的 dsm.opt', 'Options file:': '选项文件:',
 'the default stanza of dsm.sys': 'dsm.sys 中的默认节', 'Server stanza:': '服务器节:',
 "this machine's node": '本机的节点', 'Node name:': '节点名:',
 "empty: the client's stored password (PASSWORDACCESS GENERATE)": '留空:使用客户端已存储的密码(PASSWORDACCESS GENERATE)',
 'Password:': '密码:', 'Compress on the client': '在客户端压缩', 'Object name prefix:': '对象名前缀:',
 "Every TSM backup is a full backup: TSM keeps no incremental chains of volumes. The password is kept in the keyring and typed to dsmc, never put on its command line. Ember's TSM support was tested against an emulator of dsmc only, not against IBM's client and server.":
     '每个 TSM 备份都是完整备份:TSM 不保存卷的增量链。密码保存在系统密钥环中,通过输入方式交给 dsmc,绝不会出现在其命令行上。Ember 的 TSM 支持仅在 dsmc 模拟器上测试过,未在 IBM 的客户端和服务器上测试。',
 'dsmc Client': 'dsmc 客户端', 'Found: %1': '已找到:%1',
 "dsmc not found: it is neither on PATH nor at %1. Install IBM's backup-archive client or enter its path.":
     '未找到 dsmc:它既不在 PATH 中,也不在 %1。请安装 IBM 的备份归档客户端,或输入其路径。',
 'dsmc not found at %1 (or it is not executable).': '在 %1 未找到 dsmc(或它不可执行)。',
 'empty: keep the stored password, if any': '留空:保留已存储的密码(如有)',
 'The prefix may contain only letters, digits, “_”, “.” and “-”: it becomes part of the object names on the TSM server.':
     '前缀只能包含字母、数字、“_”、“.”和“-”:它会成为 TSM 服务器上对象名称的一部分。',
 'The options file %1 does not exist.': '选项文件 %1 不存在。',
})
EN_PLURALS.update({
 '%n pool(s) found; “%1” is not one of them.': ('%n pool found; “%1” is not it.', '%n pools found; “%1” is not one of them.'),
 '%n pool(s) found.': ('%n pool found.', '%n pools found.'),
})
ZH.update({
 'A new RBD image, the volume named as above:': '新的 RBD 镜像,卷名同上:',
 'Cluster of:': '所属集群:', 'pool/image': '存储池/镜像', 'Image:': '镜像:',
 'Add a Ceph backend first: it names the cluster.': '请先添加 Ceph 后端:它指明集群。',
 'Name the new image as pool/image.': '请以 存储池/镜像 的形式命名新镜像。',
 '%1 is the registered volume %2: choose it above to overwrite it, or name a new image.':
     '%1 是已登记的卷 %2:要覆盖它请在上方选择,否则请命名新镜像。',
})
ZH.update({
 'Reset Volume State': '重置卷状态',
 "Administrator: set a volume's status, e.g. after a failed restore left it error_restoring":
     '管理员:设置卷的状态,例如在恢复失败使其处于 error_restoring 之后',
 'Set the status of volume %1 (now “%2”) without touching its data.':
     '设置卷 %1 的状态(当前为“%2”),不改动其数据。',
 'A restore into this volume failed or was interrupted, so it may hold part old and part restored data. Until its status is reset Ember neither backs it up nor restores onto it. Restore into it again, or check its data, then set it to available.':
     '恢复到此卷的操作失败或被中断,因此它可能一部分是旧数据、一部分是已恢复的数据。在重置其状态之前,Ember 既不会备份它,也不会向它恢复。请重新恢复到此卷,或检查其数据,然后将其设为可用。',
 "Use this only to repair a volume left in a wrong state (as Cinder's reset-state does), for example after a failed or interrupted restore left it error_restoring.":
     '仅用于修复处于错误状态的卷(与 Cinder 的 reset-state 相同),例如恢复失败或被中断使其处于 error_restoring 之后。',
 '%1. Volume %2 is now “error restoring”: restore into it again, or check its data and use Reset Volume State.':
     '%1。卷 %2 现在处于“恢复出错”状态:请重新恢复到此卷,或检查其数据后使用“重置卷状态”。',
})
# An OpenStack cloud: the source switcher, the cloud's panels, actions and dialogs,
# the cloud source's jobs and the "OpenStack cloud" wizard.
EN_PLURALS.update({
 '%n volume(s) (%1 shown)': ('%n volume (%1 shown)', '%n volumes (%1 shown)'),
 '%n backup(s)': ('%n backup', '%n backups'),
})
ZH.update({
 '%n volume(s) (%1 shown)': '%n 个卷(显示 %1 个)', '%n backup(s)': '%n 个备份',
 'This computer': '本机', 'Dismiss': '关闭提示', '%1 failed: %2': '%1 失败:%2', ' Source: ': ' 来源: ',
 'OpenStack cloud %1 (%2)': 'OpenStack 云 %1(%2)', 'Connect to an OpenStack cloud': '连接到 OpenStack 云',
 "Show this computer's volumes or a cloud's": '显示本机的卷或某个云的卷',
 'Some clouds could not be read:\n%1': '有些云无法读取:\n%1',
 'Ember — %1 (OpenStack cloud)': 'Ember — %1(OpenStack 云)',
 'Reading the secret of %1 from the keyring': '正在从密钥环读取 %1 的机密',
 'Connecting to %1': '正在连接 %1', '%1 could not be read.': '无法读取 %1。',
 'loading %1 of %2': '正在加载 %1 / %2', 'loading, %1 read so far': '正在加载,已读取 %1',
 'No backup quota shown': '未显示备份配额',
 "The cloud did not show this project's quota to you.": '该云未向您显示此项目的配额。',
 'unlimited': '无限制', 'Backup quota: %1 of %2 backups, %3 of %4 GB': '备份配额:%1 / %2 个备份,%3 / %4 GB',
 'Project %1: backups and backup gigabytes in use / limit': '项目 %1:已用 / 上限的备份数和备份容量(GB)',
 'Project': '项目', 'Attached to': '挂载到', 'Bootable': '可启动', 'Snapshot': '快照', 'Fail reason': '失败原因',
 'The project whose volumes and backups are shown': '显示其卷和备份的项目',
 'All statuses': '所有状态', 'Status:': '状态:', 'All projects': '所有项目',
 'Without the admin role a cloud shows only the project you logged in to.':
     '没有管理员角色时,云只显示您登录的项目。',
 'The lists could not be read: %1 (Refresh tries again.)': '无法读取列表:%1(“刷新”会重试。)',
 "Read the catalog (or the cloud's lists) again": '重新读取目录(或云的列表)',
 "Only for this computer's volumes: switch the source to “This computer”.": '仅适用于本机的卷:请将来源切换为“本机”。',
 "Ember verifies what it stored itself; Cinder has no verify for %1's backups.":
     'Ember 只校验它自己存储的内容;Cinder 没有为 %1 的备份提供校验。',
 "%1's lists are still loading.": '%1 的列表仍在加载。',
 '%1 needs the admin role on %2.': '%1 需要 %2 上的管理员角色。',
 'Import-record': '导入记录', 'Export-record': '导出记录', 'Reset-state': '重置状态', 'Renaming a backup': '重命名备份',
 'Creating a backup': '创建备份', 'Restoring': '恢复', 'Deleting a backup': '删除备份', 'Force delete': '强制删除',
 'Backup status must be available, but is "%1".': '备份状态必须为 available,但当前为“%1”。',
 "%1: sent to %2; the jobs panel follows Cinder's status.": '%1:已发送到 %2;作业面板会跟踪 Cinder 的状态。',
 'Delete backup %1 of volume %2 in %3? Cinder removes its data from the backup store; this cannot be undone.':
     '删除 %3 中卷 %2 的备份 %1?Cinder 会从备份存储中删除其数据;此操作无法撤消。',
 'Force delete ignores the status “%1”.': '强制删除会忽略状态“%1”。',
 'incremental, parent unknown': '增量,父备份未知', 'incremental, level %1 (inferred)': '增量,第 %1 级(推断)',
 'Back Up %1 in %2': '在 %2 中备份 %1',
 "Cinder's backup service makes the backup; the jobs panel follows its status until it is available.":
     '由 Cinder 的备份服务创建备份;作业面板会跟踪其状态,直到它可用。',
 "the backup service's default": '备份服务的默认值', 'none: back up the volume itself': '无:备份卷本身',
 'Back up this snapshot of the volume instead of the volume (its id, as `cinder snapshot-list` shows it)':
     '备份卷的此快照而不是卷本身(快照 ID,即 `cinder snapshot-list` 显示的 ID)',
 'From snapshot:': '来自快照:', "Incremental (on top of the volume's newest backup)": '增量(基于卷的最新备份)',
 'Force: back up although the volume is in use': '强制:即使卷正在使用中也进行备份',
 'Cinder backs up an attached volume only with force; the backup then holds what was on the disk at that moment, not what the server still has in memory.':
     'Cinder 只有在强制时才备份已挂载的卷;备份中保存的是当时磁盘上的内容,而不是服务器内存中尚未写入的内容。',
 'Cinder takes it on top of %1 (the newest available backup).': 'Cinder 会基于 %1(最新的可用备份)创建它。',
 'Back Up': '备份', 'The cloud is no longer shown.': '该云已不再显示。',
 'Import a Backup Record into %1': '将备份记录导入 %1',
 "Paste a record as `cinder backup-export` (or Ember's Export Record) prints it. Cinder then knows the backup and can restore it, provided its backup service reaches the stored data.":
     '粘贴 `cinder backup-export`(或 Ember 的“导出记录”)输出的记录。之后 Cinder 便知道该备份,只要其备份服务能访问存储的数据,就能恢复它。',
 'Backup service:': '备份服务:', 'Backup URL:': '备份 URL:', 'Both parts of the record are needed.': '需要记录的两个部分。',
 "Cinder restores the backup's whole chain (%1 GiB) into the volume you choose; the jobs panel follows it.":
     'Cinder 会将备份的整条链(%1 GiB)恢复到您选择的卷中;作业面板会跟踪进度。',
 'To a new volume named:': '到新卷,名称为:', 'restore of %1': '%1 的恢复',
 'To an existing volume (its data is replaced):': '到现有卷(其数据将被替换):',
 '%1 (%2 GiB, %3)': '%1(%2 GiB,%3)', 'Choose the volume to restore into.': '请选择要恢复到的卷。',
 # The cloud source (its rules speak Cinder's words).
 'Cinder reports no percentage': 'Cinder 不报告百分比',
 'Stopped following %1; Cinder carries on with it.': '已停止跟踪 %1;Cinder 会继续处理它。',
 '%1 s: %2 %3': '%1 秒:%2 %3', '%1 s: %2 %3 → %4': '%1 秒:%2 %3 → %4',
 "%1 needs the admin role on %2 (Cinder's policy allows it to admins only).":
     '%1 需要 %2 上的管理员角色(Cinder 的策略只允许管理员执行)。',
 "Volume %1 is not in %2's list (deleted, or another project).": '卷 %1 不在 %2 的列表中(已删除,或属于其他项目)。',
 'Maximum number of backups allowed (%1) exceeded': '已超出允许的最大备份数(%1)',
 'Requested backup exceeds allowed Backup gigabytes quota. Requested %1G, quota is %2G and %3G has been consumed.':
     '请求的备份超出了允许的备份容量配额。请求 %1G,配额为 %2G,已使用 %3G。',
 'Cinder accepted backup %1': 'Cinder 已接受备份 %1', 'backup': '备份', 'volume': '卷',
 'Backup %1 ended in %2: %3': '备份 %1 结束于 %2:%3', 'Cinder gives no reason': 'Cinder 未给出原因',
 'backup %1 available': '备份 %1 可用', "Backup %1 is not in %2's list.": '备份 %1 不在 %2 的列表中。',
 "Volume %1 is not in %2's list.": '卷 %1 不在 %2 的列表中。', 'a new volume': '新卷',
 'Cinder restores into volume %1 (%2)': 'Cinder 正在恢复到卷 %1(%2)',
 'Restore into volume %1 ended in %2.': '恢复到卷 %1 结束于 %2。', 'restored into volume %1': '已恢复到卷 %1',
 'Incremental backups exist for this backup.': '此备份存在增量备份。',
 'Delete %1 first (chains are deleted newest first).': '请先删除 %1(备份链从最新的开始删除)。',
 'Deleting backup %1 ended in %2%3': '删除备份 %1 结束于 %2%3', 'Rename %1 to %2': '将 %1 重命名为 %2',
 'name: %1': '名称:%1', 'backup %1 updated': '备份 %1 已更新', 'Reset-state of %1 to %2': '将 %1 的状态重置为 %2',
 'backup %1 → %2': '备份 %1 → %2',
 'Cinder left backup %1 in %2 for %3 s (asked: %4): no backup service applied the reset; check that cinder-backup runs for its availability zone.':
     'Cinder 使备份 %1 保持为 %2 达 %3 秒(请求的是 %4):没有备份服务执行该重置;请检查其可用区是否运行着 cinder-backup。',
 'backup %1 is %2': '备份 %1 为 %2', 'Export record of %1': '导出 %1 的记录', 'service %1': '服务 %1',
 'record of backup %1 exported': '备份 %1 的记录已导出',
 'Backup %1 already exists in %2: Cinder imports a record only once.': '备份 %1 已存在于 %2 中:Cinder 只导入一次记录。',
 'Import record of %1': '导入 %1 的记录', 'Import of backup %1 ended in %2.': '备份 %1 的导入结束于 %2。',
 'backup %1 imported': '备份 %1 已导入',
 '%1 is not offered by %2.': '%2 不提供%1。', 'No job runner is attached to %1.': '%1 没有连接作业运行器。',
 'The secret of %1 is kept in the keyring, but this build has no keyring support.':
     '%1 的机密保存在密钥环中,但此版本不支持密钥环。',
 'The keyring has no secret for %1: connect to it again with “Connect to an OpenStack cloud…”.':
     '密钥环中没有 %1 的机密:请通过“连接到 OpenStack 云…”重新连接。',
 'The secret of %1 could not be read from the keyring: %2': '无法从密钥环读取 %1 的机密:%2',
 "link inferred from Cinder's rule (the volume's newest backup by data_timestamp when the incremental was made)":
     '按 Cinder 的规则推断的链接(创建增量备份时该卷按 data_timestamp 最新的备份)',
 'its parent %1 is not in the list (another project?)': '其父备份 %1 不在列表中(属于其他项目?)',
 'incremental, but no earlier backup of its volume is listed: the parent is unknown':
     '是增量备份,但列表中没有其卷更早的备份:父备份未知',
 'the inferred parent %1 reports no dependent backups: the link is doubtful': '推断的父备份 %1 报告没有依赖备份:该链接存疑',
 'Cinder reports dependent backups, but none of the listed backups was found to depend on it':
     'Cinder 报告存在依赖备份,但列出的备份中没有发现依赖于它的备份',
 "%1: %2. Named as Cinder names its volumes: it is added as volume %3, Cinder's id, so both share its backups.":
     '%1:%2。其命名方式与 Cinder 的卷相同:它以 Cinder 的 ID 作为卷 %3 添加,因此双方共享其备份。',
 # The "OpenStack cloud" wizard.
 'signed in as %1 in project %2': '已以 %1 身份登录项目 %2', 'Block Storage API %1': '块存储 API %1',
 'volumes in the project: %1': '项目中的卷:%1', 'volumes on the first page: %1 (there are more)': '第一页上的卷:%1(还有更多)',
 'Failed.': '失败。', 'Sign in to Keystone': '登录 Keystone', 'Find the block-storage endpoint': '查找块存储端点',
 'Read the API version': '读取 API 版本', 'List volumes': '列出卷',
 'Wrong application credential or secret, or it has expired.': '应用凭据或机密错误,或已过期。',
 'Wrong password, user name or project.': '密码、用户名或项目错误。',
 'The application credential has expired.': '应用凭据已过期。',
 'Missing role: the cloud does not allow this user to do that.': '缺少角色:该云不允许此用户执行此操作。',
 'Unreachable: nothing answers at that address.': '无法访问:该地址没有响应。',
 "Untrusted certificate: choose the cloud's CA certificate file.": '证书不受信任:请选择该云的 CA 证书文件。',
 'No block-storage endpoint for this region and interface.': '此区域和接口没有块存储端点。',
 'Not found: check the Keystone URL.': '未找到:请检查 Keystone URL。',
 "The cloud's Block Storage API is too old.": '该云的块存储 API 版本太旧。',
 'The cloud failed to answer (server error).': '该云未能应答(服务器错误)。',
 'Not the answer of an OpenStack cloud: check the Keystone URL.': '这不是 OpenStack 云的应答:请检查 Keystone URL。',
 'The cloud refused the request.': '该云拒绝了请求。', 'Test and Save': '测试并保存',
 'Name the cloud and test the connection. Finish saves it in clouds.yaml, the file every OpenStack tool reads.':
     '为云命名并测试连接。“完成”会将其保存到 clouds.yaml,即所有 OpenStack 工具都会读取的文件。',
 'e.g. production': '例如 production', 'Cloud name:': '云名称:', 'Test Connection': '测试连接', 'Step': '步骤',
 'Connected': '已连接', 'Roles:': '角色:', 'Block Storage API:': '块存储 API:', 'not tested yet': '尚未测试',
 '—': '—', 'testing': '正在测试', 'not tried': '未尝试', 'none': '无',
 "%1 — an administrator: sees and manages every project's backups": '%1 — 管理员:可查看和管理所有项目的备份',
 "%1 — not an administrator: sees this project's backups only": '%1 — 非管理员:只能查看此项目的备份',
 '%1 at %2': '%2 上的 %1', 'The connection works. Finish saves the cloud.': '连接正常。“完成”会保存该云。',
 'The test failed: fix the settings (Back) and test again.': '测试失败:请修正设置(上一步)后重新测试。',
 'Saved as “%1” in %2; the secret goes to the OS keyring.': '以“%1”保存到 %2;机密保存在系统密钥环中。',
 '': '',
 'Finish replaces the entry “%1” in %2; the secret goes to the OS keyring.': '“完成”会替换 %2 中的条目“%1”;机密保存在系统密钥环中。',
 'A cloud name starts with a letter or digit and holds only letters, digits, “.”, “_” and “-”.':
     '云名称以字母或数字开头,只能包含字母、数字、“.”、“_”和“-”。',
 '“envvars” is the cloud of the OS_* variables: choose another name.': '“envvars”是 OS_* 变量对应的云:请选择其他名称。',
 'Where is the cloud?': '云在哪里?',
 "Ember signs in to the cloud's Keystone and manages backups through its Block Storage (Cinder) API.":
     'Ember 登录该云的 Keystone,并通过其块存储(Cinder)API 管理备份。',
 'a new cloud': '新的云', 'Start from:': '起点:', 'Keystone URL:': 'Keystone URL:',
 'public': 'public', 'internal': 'internal', 'admin': 'admin', 'Interface:': '接口:',
 "Warning: without certificate checks anyone between Ember and the cloud can read the password and the token, or change the cloud's answers. Use a CA certificate file instead.":
     '警告:不检查证书时,Ember 与云之间的任何人都能读取密码和令牌,或篡改云的应答。请改用 CA 证书文件。',
 'The Keystone URL must be an http:// or https:// address, e.g. %1.': 'Keystone URL 必须是 http:// 或 https:// 地址,例如 %1。',
 'name': '名称', 'ID': 'ID', 'Who signs in?': '由谁登录?',
 'A user with a password, or an application credential. The password or secret is kept in the OS keyring, never in clouds.yaml.':
     '使用密码的用户,或应用凭据。密码或机密保存在系统密钥环中,绝不写入 clouds.yaml。',
 'Password': '密码', 'Application credential': '应用凭据', 'Sign in with:': '登录方式:',
 'Application credential:': '应用凭据:', 'Secret:': '机密:',
 "The project decides which volumes and backups Ember sees; an admin role shows every project's.":
     '项目决定 Ember 能看到哪些卷和备份;管理员角色可看到所有项目的。',
 'An application credential signs in to the project it was made in, with the roles it was given.':
     '应用凭据会以其被授予的角色登录创建它的项目。',
 'OpenStack Cloud': 'OpenStack 云', 'Save Cloud': '保存云',
 'This build has no keyring support, so the secret cannot be kept and the cloud was not saved.':
     '此版本不支持密钥环,因此无法保存机密,云未保存。',
 'The secret could not be stored in the keyring, so the cloud was not saved: %1': '机密无法保存到密钥环,因此云未保存:%1',
 'The cloud could not be written to %1: %2': '无法将云写入 %1:%2',
 "The cloud's secret could not be read from the keyring: %1. Type it again.": '无法从密钥环读取该云的机密:%1。请重新输入。',
 'The configured clouds could not be read: %1': '无法读取已配置的云:%1', 'Skipped: %1': '已跳过:%1',
 'Elapsed': '已用时间',
})
ZH.update({
 'Connect to an OpenStack Cloud': '连接到 OpenStack 云',
 'Add a cloud to clouds.yaml (its secret in the OS keyring) and show it': '将云添加到 clouds.yaml(其机密保存在系统密钥环中)并显示它',
 'as of %1, refreshing': '截至 %1 的内容，正在刷新',
})
# Retention: synthetic full backups, protected backups, retention policies and
# their timeline, prune and its log, sampled verification, Ceph's any-order delete.
EN_PLURALS.update({
 '%n later backup(s) take over its parent.':
     ('%n later backup takes over its parent.', '%n later backups take over its parent.'),
 'synthetic full %1 from a chain of %n backup(s)':
     ('synthetic full %1 from a chain of %n backup', 'synthetic full %1 from a chain of %n backups'),
 'synthetic full %1 available; %n backup(s) moved onto it':
     ('synthetic full %1 available; %n backup moved onto it', 'synthetic full %1 available; %n backups moved onto it'),
 '%n backup(s) removed, %1 synthetic full(s) written':
     ('%n backup removed, %1 synthetic full(s) written', '%n backups removed, %1 synthetic full(s) written'),
 '%n entry(s), newest first.': ('%n entry, newest first.', '%n entries, newest first.'),
 'Keeps %n backup(s)': ('Keeps %n backup', 'Keeps %n backups'),
 ', removes %n': (', removes %n', ', removes %n'),
 ' (%n of them after a synthetic full replaces it)':
     (' (%n of them after a synthetic full replaces it)', ' (%n of them after synthetic fulls replace them)'),
 '• synthetic full of %1; %n backup(s) move onto it':
     ('• synthetic full of %1; %n backup moves onto it', '• synthetic full of %1; %n backups move onto it'),
 '\n… and %n more': ('\n… and %n more', '\n… and %n more'),
 'Chain %1: from an incremental of %2 (its parent is not shown), %n backup(s)':
     ('Chain %1: from an incremental of %2 (its parent is not shown), %n backup',
      'Chain %1: from an incremental of %2 (its parent is not shown), %n backups'),
 'Chain %1: full of %2, %n backup(s)': ('Chain %1: full of %2, %n backup', 'Chain %1: full of %2, %n backups'),
 '%n backup(s) move onto the new full; %1 can then be deleted.':
     ('%n backup moves onto the new full; %1 can then be deleted.',
      '%n backups move onto the new full; %1 can then be deleted.'),
})
ZH.update({
 # What a policy does to a backup (the timeline's legend and tooltips).
 "On Ceph every backup is a snapshot of one base image, and an incremental holds only its own snapshot's changes. Any backup can be deleted without harming the later ones: they take over its parent, so no synthetic full is needed first.":
     '在 Ceph 上,每个备份都是同一个基础镜像的快照,增量备份只保存其自身快照的更改。删除任何备份都不会影响之后的备份:它们会接管其父备份,因此无需先创建合成完整备份。',
 'kept': '保留', 'protected': '受保护', 'needed by a kept backup': '被保留的备份所需',
 'synthetic full first, then removed': '先创建合成完整备份,再删除', 'removed': '删除',
 'not counted (not available)': '不计入(不可用)',
 # Actions.
 'Synthesize Full Backup': '合成完整备份',
 "Write a new full backup of the selected backup's state from its chain, without reading the volume":
     '根据所选备份的链写入一个具有其状态的新完整备份,无需读取卷',
 'Protect': '保护', 'Keep the selected backup through every prune': '在每次清理中都保留所选备份',
 'Unprotect': '取消保护', 'Let prunes remove the selected backup again': '重新允许清理删除所选备份',
 'Retention Policy': '保留策略',
 'Choose which backups of the selected volume to keep, see it on a timeline, and prune':
     '选择保留所选卷的哪些备份,在时间线上查看结果,并进行清理',
 'Prune Log': '清理日志', 'What prunes removed, why, and by which policy': '清理删除了哪些备份、原因以及依据的策略',
 'This backup is protected: unprotect it first (Backup ▸ Unprotect).': '此备份受保护:请先取消保护(备份 ▸ 取消保护)。',
 '%n later backup(s) take over its parent.': '之后的 %n 个备份将接管其父备份。',
 'Only available backups can be synthesized; this one is %1.': '只能为可用的备份合成完整备份;此备份为 %1。',
 'This backup is protected already.': '此备份已受保护。', 'This backup is not protected.': '此备份未受保护。',
 'Prune': '清理',
 # The backups' Verified column.
 '%1 at offset %2': '%1 位于偏移量 %2', '%1 ok': '%1 正常',
 'whole backup, %1 of its objects': '整个备份,共 %1 个对象',
 '%1% sample, %2 of %3 objects': '抽样 %1%,%3 个对象中的 %2 个',
 'Last verified %1 (%2)': '上次校验于 %1(%2)', '%1: intact': '%1:完好',
 'Protected: no prune removes it, and deleting it needs Unprotect first': '受保护:任何清理都不会删除它,要删除它须先取消保护',
 'Not verified yet (backup-verify, or Verify in the menu)': '尚未校验(使用 backup-verify,或菜单中的“校验”)',
 'Verified': '校验结果',
 # The jobs of this computer's source.
 'Backup %1 is not in the catalog.': '备份 %1 不在目录中。',
 'Only an available backup can be the state of a synthetic full; %1 is %2.':
     '只有可用的备份才能作为合成完整备份的状态;%1 为 %2。',
 'Synthetic full of %1': '%1 的合成完整备份',
 'synthetic full %1 from a chain of %n backup(s)': '由包含 %n 个备份的链生成合成完整备份 %1',
 'synthetic full %1 available; %n backup(s) moved onto it': '合成完整备份 %1 可用;%n 个备份已移到其上',
 '%1 is protected already.': '%1 已受保护。', '%1 is not protected.': '%1 未受保护。',
 'Protect %1': '保护 %1', 'Unprotect %1': '取消保护 %1',
 'protected: no prune removes it': '已保护:任何清理都不会删除它', 'no longer protected': '不再受保护',
 'Retention policy of %1': '%1 的保留策略', 'Default retention policy (%1)': '默认保留策略(%1)',
 'policy removed': '策略已移除', 'policy saved: keep everything': '策略已保存:全部保留', 'policy saved: %1': '策略已保存:%1',
 'Volume %1 is not in the catalog.': '卷 %1 不在目录中。',
 'Nothing to prune: the policy keeps every backup of %1.': '无需清理:该策略保留 %1 的所有备份。',
 'Prune %1': '清理 %1', 'synthetic full %1 replaces %2': '合成完整备份 %1 替代 %2', 'removed %1': '已删除 %1',
 '%n backup(s) removed, %1 synthetic full(s) written': '已删除 %n 个备份,已写入 %1 个合成完整备份',
 # The prune log.
 'Prune Log of %1': '%1 的清理日志', 'Reading the prune log': '正在读取清理日志',
 'When': '时间', 'Action': '操作', 'Detail': '详情', 'Policy': '策略', 'by hand': '手动',
 'Nothing was pruned yet.': '尚未清理过任何备份。', '%n entry(s), newest first.': '%n 个条目,最新的在前。',
 'The prune log could not be read: %1': '无法读取清理日志:%1',
 # The retention policy editor.
 'Retention Policy of %1': '%1 的保留策略', 'Keep': '保留',
 'the last': '最近', 'hourly': '每小时', 'daily': '每天', 'weekly': '每周', 'monthly': '每月', 'yearly': '每年',
 'The N newest backups': '最新的 N 个备份',
 'For the last N hours that have backups, the newest of each hour': '在有备份的最近 N 个小时中,每小时最新的备份',
 'For the last N days that have backups, the newest of each day': '在有备份的最近 N 天中,每天最新的备份',
 'For the last N weeks (ISO weeks) that have backups, the newest of each week':
     '在有备份的最近 N 周(ISO 周)中,每周最新的备份',
 'For the last N months that have backups, the newest of each month': '在有备份的最近 N 个月中,每月最新的备份',
 'For the last N years that have backups, the newest of each year': '在有备份的最近 N 年中,每年最新的备份',
 'not set': '未设置', 'e.g. 30d or 1y6m': '例如 30d 或 1y6m',
 'Every backup taken within this span of the newest one: years (y), months (m), days (d), hours (h), e.g. 2y5m7d3h':
     '距最新备份在此时间跨度内创建的所有备份:年(y)、月(m)、天(d)、小时(h),例如 2y5m7d3h',
 'within span:': '时间跨度内:', 'Use the backend default': '使用后端的默认策略',
 'Options add up (a backup any of them keeps stays). Protected backups are always kept; no option set keeps everything.':
     '各选项叠加生效(任一选项保留的备份都会留下)。受保护的备份始终保留;未设置任何选项时保留全部备份。',
 'Save Policy': '保存策略', 'Prune Now': '立即清理', 'Reading the policy': '正在读取策略',
 'Use the backend default (no backend yet: keep everything)': '使用后端的默认策略(尚无后端:全部保留)',
 'Use the backend default (%1 has none: keep everything)': '使用后端的默认策略(%1 没有默认策略:全部保留)',
 'Use the backend default (%1: %2)': '使用后端的默认策略(%1:%2)', 'keep everything': '全部保留',
 'The policy could not be read: %1': '无法读取策略:%1',
 'Keeps %n backup(s)': '保留 %n 个备份', ', removes %n': ',删除 %n 个',
 ' (%n of them after a synthetic full replaces it)': '(其中 %n 个先由合成完整备份替代再删除)',
 'Nothing to prune: the policy keeps every backup.': '无需清理:该策略保留所有备份。',
 '• synthetic full of %1; %n backup(s) move onto it': '• %1 的合成完整备份;%n 个备份移到其上',
 '• remove %1': '• 删除 %1', 'Prune %1 under %2? In this order:': '按%2清理 %1?执行顺序如下:',
 'a policy that keeps everything': '全部保留的策略', 'The policy is saved first.': '将先保存策略。',
 '\n… and %n more': '\n… 另有 %n 项',
 # The timeline.
 'Chain %1: from an incremental of %2 (its parent is not shown), %n backup(s)':
     '链 %1:始于 %2 的增量备份(其父备份未显示),共 %n 个备份',
 'Chain %1: full of %2, %n backup(s)': '链 %1:%2 的完整备份,共 %n 个备份',
 'taken %1': '创建于 %1', 'incremental': '增量备份', 'full backup': '完整备份', '%1 by: %2': '%1,依据:%2',
 'kept: no rule keeps it, but a kept backup depends on it': '保留:没有规则保留它,但有被保留的备份依赖于它',
 'no rule keeps it, but kept backups build on it: a synthetic full of its state is written, its incrementals move onto that, then it is removed':
     '没有规则保留它,但有被保留的备份基于它:先写入其状态的合成完整备份,将其增量备份移到该备份上,然后删除它',
 'removed: no rule keeps it': '删除:没有规则保留它', 'not counted: its status is %1': '不计入:其状态为 %1',
 'This volume has no backups yet.': '此卷还没有备份。',
 'large marker: full backup · small: incremental · line: parent to child': '大标记:完整备份 · 小标记:增量备份 · 连线:父备份到子备份',
 # A cloud's backups.
 '%1 keeps its backups in Cinder, which has no synthetic full backups, protection or retention policies: these are for the backups of this computer.':
     '%1 的备份保存在 Cinder 中,而 Cinder 没有合成完整备份、保护和保留策略:这些功能仅适用于本机的备份。',
 # The synthesize dialog.
 "A new full backup holding the state of <b>%1</b>, built from its chain's stored objects without reading the volume, in the same backend, compression and Cinder format. The incrementals taken on top of it can move onto the new full, which leaves the older part of the chain deletable, newest first.":
     '一个保存 <b>%1</b> 状态的新完整备份,由其链中已存储的对象构建,无需读取卷,使用相同的后端、压缩方式和 Cinder 格式。基于它创建的增量备份可以移到新的完整备份上,这样链中较旧的部分就可以删除(从最新的开始)。',
 'synthetic full of %1': '%1 的合成完整备份',
 'Move the incrementals taken on it onto the new full': '将基于它创建的增量备份移到新的完整备份上',
 'The chain (full first):': '链(完整备份在前):', 'Move onto the new full:': '移到新的完整备份上:',
 'Deletable afterwards (newest first):': '之后可删除(从最新的开始):', 'Reading what would move': '正在读取将要移动的备份',
 'Synthesize': '合成', 'The preview could not be read.': '无法读取预览。',
 'Without moving the incrementals, the new full stands beside the chain and nothing becomes deletable.':
     '如果不移动增量备份,新的完整备份将与链并存,没有任何备份会变为可删除。',
 'Nothing was taken on this backup, so nothing moves.': '没有基于此备份创建的备份,因此无需移动。',
 '%n backup(s) move onto the new full; %1 can then be deleted.': '%n 个备份将移到新的完整备份上;之后可以删除 %1。',
})
# Schedules, job history, the overview, the tray icon and the notification settings.
EN_PLURALS.update({
 '%n job(s) saved to %1': ('%n job saved to %1', '%n jobs saved to %1'),
 '%1 of %n job(s)': ('%1 of %n job', '%1 of %n jobs'),
 'a full every %n backups': ('a full every %n backup', 'a full every %n backups'),
 'a full every %n days': ('a full every %n day', 'a full every %n days'),
 '%n job(s) done, %1 skipped (see the job history for why)':
     ('%n job done, %1 skipped (see the job history for why)',
      '%n jobs done, %1 skipped (see the job history for why)'),
 '%n job(s) done': ('%n job done', '%n jobs done'),
})
ZH.update({
 # Job kinds and results, as the history and the schedules show them.
 'restore': '恢复', 'delete': '删除', 'verify': '校验', 'synthesize': '合成', 'prune': '清理',
 'succeeded': '成功', 'skipped': '已跳过', 'interrupted': '已中断',
 'history: the job is not recorded: %1': '历史记录:未记录此任务:%1',
 'history: the result is not recorded: %1': '历史记录:未记录任务结果:%1',
 # The main window's pages.
 'Volumes': '卷', 'Overview': '概览', 'Schedules': '计划', 'History': '历史记录', 'Ctrl+%1': 'Ctrl+%1',
 'Job %1 is not in the history list: widen its filters to see it.': '任务 %1 不在历史记录列表中:请放宽筛选条件以查看它。',
 # The overview.
 'Schedule %1 cannot be checked: %2': '无法检查计划 %1:%2',
 'Overdue: schedule %1 was due at %2 and no backup has succeeded since (grace %3 passed).':
     '已逾期:计划 %1 应于 %2 运行,此后没有成功的备份(已超过 %3 的宽限期)。',
 'Schedule %1: the run due at %2 is backed up.': '计划 %1:应于 %2 进行的运行已备份完成。',
 'Schedule %1 has not been due yet.': '计划 %1 尚未到运行时间。',
 'No enabled schedule: the age is shown, never judged.': '没有已启用的计划:只显示上次备份距今的时间,不判断是否逾期。',
 '%1 min': '%1 分钟', '%1 h': '%1 小时', '1 day': '1 天', '%1 days': '%1 天',
 'Reading the catalog': '正在读取目录',
 'Nothing to show yet.\n\nAdd a volume and back it up on the Volumes page; add a schedule on the Schedules page to have backups made by themselves. Their ages, failures, stored bytes and next runs then appear here.':
     '暂无可显示的内容。\n\n请在“卷”页面添加卷并备份;在“计划”页面添加计划,即可自动进行备份。之后,这里会显示上次备份距今的时间、失败、已存储的字节数和接下来的运行。',
 'Last success': '上次成功', 'Age': '距今', 'Schedule': '计划', 'Reason': '原因', 'Mode': '模式',
 'Double-click a failure to see it in the history.': '双击某个失败项即可在历史记录中查看。',
 'Volumes: last successful backup': '卷:上次成功的备份', 'Stored bytes per backend': '各后端已存储的字节数',
 'Failures of the last %1 days': '最近 %1 天的失败', 'Next runs': '接下来的运行',
 'The overview could not be read: %1': '无法读取概览:%1',
 '%1 of %2 volumes overdue': '%2 个卷中有 %1 个已逾期', '1 volume, not overdue': '1 个卷,未逾期',
 '%1 volumes, none overdue': '%1 个卷,均未逾期', '1 failure in %1 days': '%1 天内失败 1 次',
 '%1 failures in %2 days': '%2 天内失败 %1 次', 'no failures in %1 days': '%1 天内没有失败',
 'next run %1 (%2)': '下次运行 %1(%2)', 'no scheduled runs': '没有计划的运行',
 'interrupted: %1': '已中断:%1', 'the process ended': '进程已结束',
 'No job failed in the last %1 days.': '最近 %1 天内没有失败的任务。',
 '%1 (in %2)': '%1(%2后)', '%1 to %2': '%1,存入 %2',
 'No enabled schedule: add one on the Schedules page.': '没有已启用的计划:请在“计划”页面添加。',
 'Stored (%1)': '已存储(%1)',
 # The job history.
 '%1 so far': '已运行 %1', 'Job %1 is no longer in the history (pruned?).': '任务 %1 已不在历史记录中(已被清理?)。',
 'Duration': '耗时', 'Read': '读取量', 'Origin': '来源', 'Reason / outcome': '原因 / 结果',
 'All volumes': '所有卷', 'All results': '所有结果', 'Last 30 days': '最近 30 天', 'All time': '全部时间',
 'Between dates': '日期范围', 'Jobs started on or after this day': '在此日期或之后开始的任务',
 'Jobs started on or before this day': '在此日期或之前开始的任务', 'from': '从', 'to': '到',
 'Export CSV': '导出 CSV', 'Save the jobs the filters select as a CSV file': '将筛选出的任务保存为 CSV 文件',
 'Export Job History': '导出任务历史记录', 'CSV files (*.csv)': 'CSV 文件 (*.csv)',
 'History not loaded: %1': '历史记录未加载:%1', '%n job(s) saved to %1': '已将 %n 个任务保存到 %1',
 'Export failed: %1': '导出失败:%1', 'Saving': '正在保存', 'Loading the history': '正在加载历史记录',
 '%1 of %n job(s)': '%n 个任务中的 %1 个', 'Job %1 is no longer in the history.': '任务 %1 已不在历史记录中。',
 'Cloud': '云', 'Finished': '结束时间', 'Process': '进程', 'History id': '历史记录 ID',
 # The schedule editor.
 'Edit Schedule': '编辑计划', 'New Schedule': '新建计划', 'e.g. nightly databases': '例如 数据库夜间备份',
 'Check one volume, or several to back them up as a group, one after the other': '勾选一个卷,或勾选多个卷作为一组依次备份',
 'Volumes:': '卷:', 'systemd calendar, e.g. Mon..Fri 02:00': 'systemd 日历表达式,例如 Mon..Fri 02:00',
 "When to run, in systemd's OnCalendar syntax (man systemd.time): daily, weekly, hourly, Mon..Fri 02:00, *-*-* 00/6:00, *-*-01 03:30, ...":
     '运行时间,使用 systemd 的 OnCalendar 语法(man systemd.time):daily, weekly, hourly, Mon..Fri 02:00, *-*-* 00/6:00, *-*-01 03:30 等',
 'Presets': '预设', 'When:': '时间:', 'systemd reads:': 'systemd 解析为:', 'Next runs:': '接下来的运行:',
 'The default backend': '默认后端', 'The default backend (now %1)': '默认后端(当前为 %1)',
 'Incremental (a full when there is no chain yet)': '增量备份(尚无备份链时进行完整备份)',
 'Always full': '始终完整备份', 'Mode:': '模式:', ' backups': ' 个备份',
 'Keeps restore chains short: the Nth backup since the last full (that full included) is a full again':
     '使恢复链保持较短:自上次完整备份起(含该完整备份)的第 N 个备份再次为完整备份',
 'Force a full every:': '强制完整备份,每隔:', ' days': ' 天',
 'A full when the last full is this many days old or older': '上次完整备份已达到或超过此天数时进行完整备份',
 '…or every:': '…或每隔:', 'Apply the retention policy afterwards': '备份后应用保留策略',
 "Prunes each volume's backups with its effective retention policy after the backup": '备份后按各卷生效的保留策略清理其备份',
 'Enabled': '启用', 'Create Schedule': '创建计划',
 'Hourly': '每小时', 'Daily at 02:00': '每天 02:00', 'Monday to Friday at 02:00': '周一至周五 02:00',
 'Weekly (Monday 00:00)': '每周(周一 00:00)', 'Every 6 hours': '每 6 小时',
 '%1 (not in the catalog)': '%1(不在目录中)', '%1 (not configured)': '%1(未配置)',
 'Enter when the schedule runs, e.g. daily or Mon..Fri 02:00.': '请输入计划的运行时间,例如 daily 或 Mon..Fri 02:00。',
 '%1 never elapses again after %2.': '%1 在 %2 之后不会再触发。', '(no later runs)': '(之后没有运行)',
 'Enter a name for the schedule.': '请输入计划的名称。',
 'Check the volume to back up, or several for a group.': '请勾选要备份的卷,或勾选多个卷组成一组。',
 'The calendar expression cannot be used: %1': '无法使用此日历表达式:%1',
 'The schedule %1 was removed while it was being edited; create it again.': '计划 %1 在编辑期间已被移除;请重新创建。',
 # The schedules list.
 'a full every %n backups': '每 %n 个备份进行一次完整备份', 'a full every %n days': '每 %n 天进行一次完整备份',
 'incremental, %1': '增量备份,%1', ' or ': ' 或 ', 'invalid calendar': '日历表达式无效', 'disabled': '已停用',
 '%1\n(systemd: %2)': '%1\n(systemd:%2)', '%1\n%2': '%1\n%2', '%1\nid %2': '%1\nID %2',
 'Next run': '下次运行', 'Last run': '上次运行', 'Last result': '上次结果',
 '<b>Schedules</b>': '<b>计划</b>', 'New': '新建', 'Disable': '停用', 'Enable': '启用', 'Run now': '立即运行',
 'Schedules run by the ember-schedule timer (systemd) even when Ember is closed: systemctl --user enable --now ember-schedule.timer':
     '计划由 ember-schedule 定时器(systemd)运行,Ember 关闭时也会运行:systemctl --user enable --now ember-schedule.timer',
 'Schedules run by the ember-schedule timer (systemd) even when Ember is closed: systemctl enable --now ember-schedule.timer':
     '计划由 ember-schedule 定时器(systemd)运行,Ember 关闭时也会运行:systemctl enable --now ember-schedule.timer',
 'Schedules run by the ember-schedule timer (systemd) even when Ember is closed: the timer is enabled.':
     '计划由 ember-schedule 定时器(systemd)运行,Ember 关闭时也会运行:该定时器已启用。',
 'The schedules could not be read: %1': '无法读取计划:%1', 'The schedule was removed meanwhile.': '该计划已在此期间被移除。',
 'Remove Schedule': '移除计划',
 'Remove the schedule %1? Its volumes are no longer backed up by it; their backups and the job history stay.':
     '移除计划 %1?该计划将不再备份其中的卷;这些卷的备份和任务历史记录将保留。',
 'Schedule %1 (run now)': '计划 %1(立即运行)',
 'The schedule ran nothing: it has no volume left in the catalog.': '该计划未运行任何任务:目录中已没有它的卷。',
 '%n job(s) done, %1 skipped (see the job history for why)': '%n 个任务已完成,%1 个已跳过(原因见任务历史记录)',
 '%n job(s) done': '%n 个任务已完成', 'Select a schedule first.': '请先选择一个计划。',
 'This schedule is running now (see Jobs).': '此计划正在运行(见“任务”)。',
 "Back up the schedule's volumes now, as a scheduled run would (recorded in the job history)":
     '立即备份该计划的卷,与按计划运行相同(记录在任务历史记录中)',
 # Settings: job history, notifications, the command after each job, metrics.
 # (A trailing “…” is left off the key and the text: fill_ts.py puts it back.)
 'Keep job history for:': '任务历史记录保留:', 'When a job fails': '任务失败时', 'Desktop notification:': '桌面通知:',
 'When a job succeeds': '任务成功时', 'Command after each job:': '每个任务后运行的命令:',
 "Run by /bin/sh after every job (window, ember-cli and schedules alike), with the job's facts in EMBER_* environment variables: EMBER_JOB_RESULT, EMBER_JOB_REASON, EMBER_VOLUME_NAME, EMBER_BYTES_STORED, ":
     '每个任务(窗口、ember-cli 和计划中的任务均是如此)结束后由 /bin/sh 运行,任务信息在 EMBER_* 环境变量中:EMBER_JOB_RESULT, EMBER_JOB_REASON, EMBER_VOLUME_NAME, EMBER_BYTES_STORED, ',
 'none, e.g. /var/lib/prometheus/node-exporter/ember.prom': '无,例如 /var/lib/prometheus/node-exporter/ember.prom',
 'Prometheus Metrics File': 'Prometheus 指标文件', 'Prometheus text files (*.prom)': 'Prometheus 文本文件 (*.prom)',
 'Prometheus metrics file:': 'Prometheus 指标文件:', 'The job settings could not be read: %1': '无法读取任务设置:%1',
 'The metrics file needs an absolute path: scheduled runs do not start in your working directory.':
     '指标文件需要绝对路径:计划运行不会在您的工作目录中启动。',
 "The metrics file must end in .prom: node_exporter's textfile collector reads no other files.":
     '指标文件必须以 .prom 结尾:node_exporter 的 textfile 收集器不读取其他文件。',
 'The job settings were not saved: %1': '任务设置未保存:%1',
 # The tray icon.
 '%1 %': '%1%', 'Show Ember': '显示 Ember', 'Ember: jobs active: %1': 'Ember:%1 个活动任务', 'Ember': 'Ember',
# Immutable backups (S3 Object Lock) and the schema-driven backend forms.
 'lock ended %1': '锁定已于 %1 结束',
 "This backup is immutable %1: no one holding the backend's keys can delete it before then, not even Ember. It can be deleted from then on.":
     '此备份不可变 %1:在此之前,任何持有该后端密钥的人都无法删除它,Ember 也不能。此后即可删除。',
 'until %1': '直到 %1',
 "Immutable %1: no one holding the backend's keys can delete it, not even Ember; it can be deleted from then on":
     '不可变 %1:任何持有该后端密钥的人都无法删除它,Ember 也不能;此后即可删除',
 'Its S3 Object Lock ended %1': '其 S3 对象锁定已于 %1 结束',
 'Not locked': '未锁定', 'Immutable': '不可变',
 "Object Lock makes backups immutable: when the bucket has it, every object of a backup is locked for the set number of days, so no one holding these keys can delete or overwrite it before then. GOVERNANCE mode lets an account with the bypass permission remove a lock early; COMPLIANCE mode lets no one, not even the account's root user. Object Lock can only be enabled when a bucket is created.":
     '对象锁定使备份不可变:存储桶启用它后,备份的每个对象都会被锁定设定的天数,在此之前任何持有这些密钥的人都无法删除或覆盖它。GOVERNANCE 模式允许拥有绕过权限的账户提前解除锁定;COMPLIANCE 模式不允许任何人解除,即使是账户的 root 用户。对象锁定只能在创建存储桶时启用。',
 'Bucket': '存储桶', 'Check Bucket': '检查存储桶',
 'Connects with these settings and looks for the bucket and its Object Lock configuration.':
     '使用这些设置进行连接,并查找存储桶及其对象锁定配置。',
 'Create Bucket': '创建存储桶', 'Enable Object Lock (immutable backups)': '启用对象锁定(不可变备份)',
 'Checking %1': '正在检查 %1', 'The check could not run: %1': '无法运行检查:%1',
 'Bucket “%1” is ready: Ember can write, read and delete in it.': '存储桶“%1”已就绪:Ember 可以在其中写入、读取和删除。',
 'The bucket check failed (%1). Ember can create bucket “%2” with these keys:':
     '存储桶检查失败(%1)。Ember 可以用这些密钥创建存储桶“%2”:',
 '%1 failed: %2': '%1 失败:%2', 'no details': '无详细信息', 'Object Lock: %1': '对象锁定:%1',
 'Creating bucket “%1”': '正在创建存储桶“%1”',
 'Bucket “%1” could not be created: %2': '无法创建存储桶“%1”:%2',
 'Object Lock: enabled': '对象锁定:已启用',
 'Bucket “%1” was created with Object Lock enabled.': '已创建存储桶“%1”,并启用了对象锁定。',
 'Bucket “%1” was created (without Object Lock).': '已创建存储桶“%1”(未启用对象锁定)。',
 'Show advanced options': '显示高级选项', '\nDefault: %1': '\n默认值:%1', 'Browse': '浏览',
 '(choose one)': '(请选择)', '(not set)': '(未设置)', 'kept in the keyring': '保存在密钥环中',
 'default: %1': '默认值:%1', 'required': '必填',
 'kept in the keyring; type to replace it': '保存在密钥环中;输入新值以替换',
 'Enter the %1 (it is kept in the keyring).': '请输入 %1(它保存在密钥环中)。',
})

# Encryption at rest: the keys dialog and the wizard's encryption page.
EN_PLURALS.update({
 'New key %1: %n backup(s) rewrapped.': ('New key %1: %n backup rewrapped.', 'New key %1: %n backups rewrapped.'),
 '%n backup(s) still need the old key %1: keep it.':
     ('%n backup still needs the old key %1: keep it.', '%n backups still need the old key %1: keep it.'),
 '%n backup(s) are encrypted with it: without this key they cannot be restored or verified.':
     ('%n backup is encrypted with it: without this key it cannot be restored or verified.',
      '%n backups are encrypted with it: without this key they cannot be restored or verified.'),
})
ZH.update({
 "key not available: %1 is not in this host's key store": '密钥不可用:%1 不在本机的密钥库中',
 'Cannot write the key file %1: %2': '无法写入密钥文件 %1:%2',
 'Cannot make the key file %1 private (mode 0600): %2': '无法将密钥文件 %1 设为私有(权限 0600):%2',
 'The whole key pair (restores backups: keep it safe)': '完整密钥对(可恢复备份:请妥善保管)',
 'The public key only (makes backups, cannot restore them)': '仅公钥(可创建备份,不能恢复)',
 'Which part of the key pair?': '导出密钥对的哪一部分?',
 'Keys': '密钥',
 'Create, import, export, rotate and remove encryption keys': '创建、导入、导出、轮换和移除加密密钥',
 'Encryption': '加密',
 "Encrypt backups at rest with a master key kept in this host's keyring.": '使用保存在本机密钥环中的主密钥对静态备份加密。',
 'Encrypt backups (AES-256-GCM)': '加密备份(AES-256-GCM)',
 '<b>A lost key means lost backups.</b> Nobody, not even Ember, can restore an encrypted backup without its master key: export the key or print the paper key and keep it away from this host before the first backup. Cinder cannot restore encrypted backups.':
     '<b>丢失密钥即丢失备份。</b>没有主密钥,任何人(包括 Ember)都无法恢复加密的备份:请在第一次备份前导出密钥或打印纸质密钥,并将其保存在本机以外的地方。Cinder 无法恢复加密的备份。',
 'New Key': '新建密钥', 'Master key:': '主密钥:', 'Export Key': '导出密钥', 'Print Paper Key': '打印纸质密钥',
 'A label for the new AES-256 key (e.g. prod backups 2026):': '新 AES-256 密钥的标签(例如 prod backups 2026):',
 'Key files (*.key)': '密钥文件 (*.key)', 'PDF files (*.pdf)': 'PDF 文件 (*.pdf)',
 ' (public only: this host cannot restore)': '(仅公钥:本机无法恢复)',
 '(no key yet: create one)': '(尚无密钥:请新建一个)',
 '%1 (not on this host)': '%1(不在本机)',
 'A copy of this key exists outside this host.': '此密钥在本机以外已有副本。',
 'This key has no copy outside this host yet.': '此密钥在本机以外尚无副本。',
 'Choose a master key or create a new one.': '请选择主密钥或新建一个。',
 "key not available: %1 is not in this host's key store; import it in Keys… first.": '密钥不可用:%1 不在本机的密钥库中;请先在“密钥…”中导入。',
 'Export the key or print the paper key before encrypting with it: a lost key means lost backups.': '用此密钥加密前请先导出密钥或打印纸质密钥:丢失密钥即丢失备份。',
 'The key could not be created: %1': '无法创建密钥:%1',
 'Wrote %1. Keep it somewhere safe, away from this host.': '已写入 %1。请将其保存在本机以外的安全地方。',
 'The key could not be exported: %1': '无法导出密钥:%1',
 'The paper key could not be written: %1': '无法写入纸质密钥:%1',
 'No copy of this key exists outside this host: export it or print the paper key. A lost key means lost backups.': '此密钥在本机以外没有副本:请导出或打印纸质密钥。丢失密钥即丢失备份。',
 'X25519 key pair': 'X25519 密钥对', 'AES-256 (symmetric)': 'AES-256(对称)',
 'private key here': '私钥在本机', 'public only': '仅公钥', 'Fingerprint': '指纹', 'Label': '标签',
 'Restores here': '可在本机恢复', 'Exported': '已导出', 'Encryption Keys': '加密密钥',
 "Master keys encrypt backups at rest. They live in this host's keyring. A lost key means lost backups: keep an exported copy or a paper key somewhere safe.":
     '主密钥用于对静态备份加密,保存在本机的密钥环中。丢失密钥即丢失备份:请将导出的副本或纸质密钥保存在安全的地方。',
 'Export': '导出', 'Rotate': '轮换',
 "The rotation's job is gone.": '轮换任务已不存在。',
 'Rotation failed: %1': '轮换失败:%1',
 'This build has no keyring support: master keys cannot be kept.': '此版本不支持密钥环:无法保存主密钥。',
 'Select a key first.': '请先选择一个密钥。',
 'Write the key to a file (mode 0600)': '将密钥写入文件(权限 0600)',
 'Save the key as a printable PDF with a QR code': '将密钥保存为带二维码的可打印 PDF',
 'Only the public half of this key is here: rotate it on the host that holds its private key.': '本机只有此密钥的公钥:请在持有私钥的主机上轮换。',
 'A rotation is running.': '正在进行轮换。',
 "Make a new key and rewrap this key's backups with it": '新建密钥,并用它重新封装此密钥的备份',
 'Remove the key from this host': '从本机移除此密钥',
 'Creating a key': '正在创建密钥',
 'Created key %1. Export it or print the paper key before encrypting backups with it.': '已创建密钥 %1。用它加密备份前请先导出或打印纸质密钥。',
 'The key could not be imported: %1': '无法导入密钥:%1',
 'Imported key %1.': '已导入密钥 %1。',
 'Cannot read %1: %2': '无法读取 %1:%2',
 'The key in %1 could not be imported: %2': '无法导入 %1 中的密钥:%2',
 'Imported key %1 from %2.': '已从 %2 导入密钥 %1。',
 'Wrote the public key of %1 to %2.': '已将 %1 的公钥写入 %2。',
 'Wrote key %1 to %2. Keep the file somewhere safe, away from this host.': '已将密钥 %1 写入 %2。请将文件保存在本机以外的安全地方。',
 'The QR code on the paper key %1': '纸质密钥 %1 上的二维码',
 'Wrote the paper key of %1 to %2. Print it and keep it somewhere safe; then delete the file.': '已将 %1 的纸质密钥写入 %2。请打印并妥善保管,然后删除该文件。',
 'Rotate key %1': '轮换密钥 %1',
 'new key %1': '新密钥 %1',
 'backup %1 keeps the old key: %2': '备份 %1 仍使用旧密钥:%2',
 'New key %1: %n backup(s) rewrapped.': '新密钥 %1:已重新封装 %n 个备份。',
 'Backends now using it: %1.': '现在使用它的后端:%1。',
 'The old key %1 is no longer needed and can be removed.': '旧密钥 %1 已不再需要,可以移除。',
 '%n backup(s) still need the old key %1: keep it.': '仍有 %n 个备份需要旧密钥 %1:请保留它。',
 'Rotating key %1': '正在轮换密钥 %1',
 'The key could not be removed: %1': '无法移除密钥:%1',
 'Removed key %1 from this host.': '已从本机移除密钥 %1。',
 'AES-256 (symmetric: this host backs up and restores)': 'AES-256(对称:本机可备份和恢复)',
 'X25519 key pair (hosts with only the public key cannot restore)': 'X25519 密钥对(只有公钥的主机无法恢复)',
 'Kind:': '类型:', 'e.g. prod backups 2026': '例如 prod backups 2026', 'Label:': '标签:', 'Create': '创建',
 'Import Key': '导入密钥',
 "Paste a key file's text, or type the paper key in (spaces and case do not matter):": '粘贴密钥文件的文本,或输入纸质密钥(空格和大小写无关):',
 'From File': '从文件', 'Import Key File': '导入密钥文件',
 'Key files (*.key *.txt);;All files (*)': '密钥文件 (*.key *.txt);;所有文件 (*)',
 'Rotate Key': '轮换密钥',
 'Make a new key to replace %1? The data keys of its backups are wrapped again with the new key (their objects are not rewritten), and backends using it switch to the new key. Export the new key afterwards.':
     '新建密钥以替换 %1?其备份的数据密钥将用新密钥重新封装(对象不会重写),使用它的后端将改用新密钥。之后请导出新密钥。',
 'Backends encrypting new backups with it: %1.': '用它加密新备份的后端:%1。',
 '%n backup(s) are encrypted with it: without this key they cannot be restored or verified.': '有 %n 个备份用它加密:没有此密钥就无法恢复或校验。',
 'Remove key %1 (%2) from this host?': '从本机移除密钥 %1(%2)?',
 'No copy of this key exists outside this host: once removed it is gone for good.': '此密钥在本机以外没有副本:移除后将永久丢失。',
 'Remove Key': '移除密钥',
 'Wrote %1, which cannot restore backups: export the whole key.': '已写入 %1,但它无法恢复备份:请导出完整密钥。',
 'Backup %1 keeps the old key: %2.': '备份 %1 仍使用旧密钥:%2。',
 'Export the new key or print its paper key now.': '请立即导出新密钥或打印其纸质密钥。',
 '%1 (key not available)': '%1(密钥不可用)',
 'Stored in the clear': '未加密存储',
 'Encrypted (%1) with master key %2': '已用主密钥 %2 加密(%1)',
 'Key': '密钥',
 'key not available: backup %1 is encrypted with key %2, which cannot be opened on this host: import it (Keys, or ember-cli key-import FILE) to restore':
     '密钥不可用:备份 %1 使用密钥 %2 加密,本机无法打开该密钥:请导入它(“密钥”窗口,或 ember-cli key-import FILE)后再恢复',
 '%1, master key %2': '%1,主密钥 %2',
 'unlimited, e.g. 10MB/s 08:00-18:00, 50MB/s':
     '不限速,例如 10MB/s 08:00-18:00, 50MB/s',
 'Rules separated by commas, each a rate (B, kB, MB, GB or KiB, MiB, GiB per second) with an optional time window HH:MM-HH:MM; the first rule whose window holds applies. Empty = unlimited. (%1)':
     '以逗号分隔的规则,每条为一个速率(每秒 B、kB、MB、GB 或 KiB、MiB、GiB),可带时间窗口 HH:MM-HH:MM;采用第一条时间窗口匹配的规则。留空 = 不限速。(%1)',
 'Upload limit:':
     '上传限速:',
 'Download limit:':
     '下载限速:',
 'fetch':
     '获取',
 'inflate':
     '解压',
 'check':
     '校验',
 'write':
     '写入',
 '%1/s':
     '%1/s',
 'fetching from the backend is the bottleneck: the network or the store':
     '瓶颈在从后端获取数据:网络或存储',
 'inflating (decrypting, decompressing) is the bottleneck: the CPU':
     '瓶颈在解压(解密、解压缩):CPU',
 'checking the checksums is the bottleneck: the CPU':
     '瓶颈在校验和检查:CPU',
 'the target is the bottleneck: a slower disk or a busy device':
     '瓶颈在目标:磁盘较慢或设备繁忙',
 '%1 %2':
     '%1 %2',
 ' — busiest: %1 (%2%)':
     ' — 最忙:%1(%2%)',
 'Stages:':
     '阶段:',
 'Stages of %1:':
     '%1 的各阶段:',
 '%1: %2 at %3, %4% of the busy time':
     '%1:%2,速率 %3,占忙碌时间的 %4%',
 '-':
     '-',
 ' (busiest)':
     '(最忙)',
 'waiting':
     '等待中',
 'waiting (%1)':
     '等待中(%1)',
 'Started, now %1. It goes on by itself.':
     '已开始,当前%1。会自动继续。',
 'Queued: waits for a free job slot, or for the job on the same volume.':
     '排队中:等待空闲的作业槽位,或等待同一卷上的作业结束。',
 'Stages':
     '阶段',
 ', %n waiting':
     ',%n 个等待中',
})
EN_PLURALS.update({
 ', %n waiting': (', %n waiting', ', %n waiting'),
})
